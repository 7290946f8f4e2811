//! SVG from a DOT graph, laid out in-process with layout-rs (pure Rust, no Graphviz needed).
//! Used by `rbac escalation --format svg` and `netpol map|diff --format svg`.

use anyhow::Result;

/// Lays out `dot` and renders it as SVG. `what` names the graph in errors. A panic inside
/// the layout library becomes an error rather than a crash.
pub fn dot_to_svg(dot: &str, what: &str) -> Result<String> {
    let render = || -> std::result::Result<String, String> {
        let mut parser = layout::gv::DotParser::new(dot);
        let graph = parser.process()?;
        let mut builder = layout::gv::GraphBuilder::new();
        builder.visit_graph(&graph);
        let mut visual = builder.get();
        let mut svg = layout::backends::svg::SVGWriter::new();
        visual.do_it(false, false, false, &mut svg);
        Ok(svg.finalize())
    };
    match std::panic::catch_unwind(render) {
        Ok(Ok(svg)) => Ok(svg),
        Ok(Err(e)) => anyhow::bail!("could not lay out the {what}: {e}"),
        Err(_) => anyhow::bail!("could not lay out the {what} (layout library failure)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_small_graph_and_rejects_bad_dot() {
        let svg = dot_to_svg(
            "digraph {\n  node [shape=box];\n  a [label=\"ns/a\"];\n  b;\n  a -> b [label=\"TCP 80\"];\n}\n",
            "test graph",
        )
        .expect("svg");
        assert!(svg.contains("<svg"));
        assert!(svg.contains("TCP 80"));
        let err = dot_to_svg("digraph { a -> ", "test graph").expect_err("bad dot");
        assert!(err.to_string().contains("test graph"));
    }
}
