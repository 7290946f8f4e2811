//! A cache of facts derived from one object of a lint context, shared by every evaluation of a
//! check: cross-object checks ask the same question about the same object many times (every
//! RoleBinding to a ClusterRole re-reads that role's rules), and the answer depends only on the
//! object and its context. The values are kept in the context ([`Context::derived`]'s store),
//! so they go when the context goes: a long-running process (the webhook) does not grow.

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::index::Context;
use crate::object::Object;

/// Per-(context, object) memo of a value of type `T`. The values live in the context (they are
/// dropped with it), one table per memo. Thread-safe; a value is computed outside the lock, so
/// two threads may compute the same entry once each (both results are equal).
#[derive(Debug)]
pub struct ObjectMemo<T> {
    /// This memo's table among the context's derived values.
    slot: u64,
    _values: std::marker::PhantomData<fn() -> T>,
}

impl<T> Default for ObjectMemo<T> {
    fn default() -> Self {
        static NEXT_SLOT: AtomicU64 = AtomicU64::new(1);
        ObjectMemo {
            slot: NEXT_SLOT.fetch_add(1, Ordering::Relaxed),
            _values: std::marker::PhantomData,
        }
    }
}

type Table<T> = Mutex<HashMap<usize, T>>;

impl<T: Clone + Any + Send + Sync> ObjectMemo<T> {
    /// The value for `obj` in `ctx`, computed by `compute` the first time. Objects that are not
    /// elements of `ctx.objects` are computed every time, never cached.
    pub fn get_or_compute(&self, ctx: &Context, obj: &Object, compute: impl FnOnce() -> T) -> T {
        let Some(i) = ctx.index_of(obj) else {
            return compute();
        };
        let table = ctx.derived_slot("object-memo", self.slot, Table::<T>::default);
        let lock = || table.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = lock().get(&i) {
            return v.clone();
        }
        let v = compute();
        lock().entry(i).or_insert(v).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn computes_once_per_object_and_context() {
        let text = "kind: A\napiVersion: v1\nmetadata: {name: a}\n---\nkind: B\napiVersion: v1\nmetadata: {name: b}\n";
        let one = Context::new(Object::parse_all("t.yaml", text).0);
        let two = Context::new(Object::parse_all("t.yaml", text).0);
        let memo = ObjectMemo::default();
        let calls = Cell::new(0);
        let name = |ctx: &Context, i: usize| {
            memo.get_or_compute(ctx, &ctx.objects[i], || {
                calls.set(calls.get() + 1);
                ctx.objects[i].name.clone()
            })
        };
        assert_eq!(name(&one, 0), "a");
        assert_eq!(name(&one, 0), "a");
        assert_eq!(name(&one, 1), "b");
        assert_eq!(calls.get(), 2);
        // Another context with equal objects is a different key.
        assert_eq!(name(&two, 0), "a");
        assert_eq!(calls.get(), 3);
        // A foreign object is computed, not cached.
        let foreign = one.objects[0].clone();
        let v = memo.get_or_compute(&one, &foreign, || "x".to_string());
        assert_eq!(v, "x");
        assert_eq!(memo.get_or_compute(&one, &foreign, || "y".to_string()), "y");
    }
}
