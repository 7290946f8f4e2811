//! Kubernetes objects over the spanned YAML tree.
