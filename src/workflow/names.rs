//! Shared texts for the names workflow code uses over and over (activity
//! types, default activity and timer ids): one `Rc<str>` per distinct text
//! and thread, cloned on each use, instead of an allocation per use. Only
//! the first [`MAX_SHARED`] distinct names, and the texts of sequence
//! numbers below it, are kept; others are allocated as before. Sharing
//! changes no value, only where it is stored.

use crate::lookup::LookupMap;
use crate::model::decimal_text;
use std::cell::RefCell;
use std::rc::Rc;

/// How many distinct names, and texts of sequence numbers, a thread keeps.
const MAX_SHARED: usize = 1024;

/// How many of the names last asked for are compared with a text before
/// the map of all names is hashed.
const RECENT: usize = 4;

/// A thread's shared names.
#[derive(Default)]
struct Shared {
    /// Every kept name.
    names: LookupMap<Rc<str>, ()>,
    /// The names last returned: a workflow asks for the same few names
    /// over and over, and comparing a short text with a few costs less
    /// than hashing it.
    recent: [Option<Rc<str>>; RECENT],
    /// The slot of `recent` that the next name found in `names` takes.
    next_recent: usize,
}

thread_local! {
    static SHARED: RefCell<Shared> = RefCell::new(Shared::default());
    /// The texts of sequence numbers 0, 1, … as far as used, by number.
    static SEQ_NAMES: RefCell<Vec<Rc<str>>> = const { RefCell::new(Vec::new()) };
}

/// `text` as an `Rc<str>`, shared with earlier uses of the same text.
pub(crate) fn shared_name(text: &str) -> Rc<str> {
    SHARED.with_borrow_mut(|shared| {
        let recent = shared.recent.iter().flatten();
        if let Some(name) = recent.into_iter().find(|name| ***name == *text) {
            return name.clone();
        }
        let name = match shared.names.get_key_value(text) {
            Some((name, ())) => name.clone(),
            None => {
                let name: Rc<str> = Rc::from(text);
                if shared.names.len() >= MAX_SHARED {
                    return name;
                }
                shared.names.insert(name.clone(), ());
                name
            }
        };
        let slot = shared.next_recent;
        shared.recent[slot] = Some(name.clone());
        shared.next_recent = (slot + 1) % RECENT;
        name
    })
}

/// The decimal text of a sequence number (a default activity or timer id), shared.
pub(crate) fn seq_name(seq: u32) -> Rc<str> {
    let index = usize::try_from(seq).unwrap_or(usize::MAX);
    SEQ_NAMES
        .with_borrow(|names| names.get(index).cloned())
        .unwrap_or_else(|| new_seq_name(index, seq))
}

/// [`seq_name`] for a number whose text is not kept yet: kept with those
/// of every number below it, if below [`MAX_SHARED`].
#[cold]
fn new_seq_name(index: usize, seq: u32) -> Rc<str> {
    if index >= MAX_SHARED {
        return Rc::from(decimal_text(seq.into(), &mut [0; 20]));
    }
    SEQ_NAMES.with_borrow_mut(|names| {
        while names.len() <= index {
            let next = u32::try_from(names.len()).expect("below MAX_SHARED");
            names.push(Rc::from(decimal_text(next.into(), &mut [0; 20])));
        }
        names[index].clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_name_is_the_decimal_text() {
        for seq in [0, 1, 9, 10, 99, 100, 12_345, u32::MAX] {
            assert_eq!(&*seq_name(seq), seq.to_string());
        }
    }

    #[test]
    fn seq_names_are_shared() {
        assert!(Rc::ptr_eq(&seq_name(7), &seq_name(7)));
    }

    #[test]
    fn equal_texts_share_one_allocation() {
        let first = shared_name("activity_a");
        assert!(Rc::ptr_eq(&first, &shared_name("activity_a")));
        assert_eq!(&*shared_name("activity_b"), "activity_b");
    }

    #[test]
    fn names_beyond_the_recent_ones_are_still_shared() {
        let names: Vec<String> = (0..2 * RECENT).map(|i| format!("name_{i}")).collect();
        let first: Vec<Rc<str>> = names.iter().map(|n| shared_name(n)).collect();
        for (name, shared) in names.iter().zip(&first) {
            let again = shared_name(name);
            assert_eq!(&*again, name.as_str());
            assert!(Rc::ptr_eq(&again, shared));
        }
    }
}
