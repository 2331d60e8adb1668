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

thread_local! {
    static SHARED: RefCell<LookupMap<Rc<str>, ()>> = RefCell::new(LookupMap::default());
    /// The texts of sequence numbers 0, 1, … as far as used, by number.
    static SEQ_NAMES: RefCell<Vec<Rc<str>>> = const { RefCell::new(Vec::new()) };
}

/// `text` as an `Rc<str>`, shared with earlier uses of the same text.
pub(crate) fn shared_name(text: &str) -> Rc<str> {
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        if let Some((name, ())) = shared.get_key_value(text) {
            return name.clone();
        }
        let name: Rc<str> = Rc::from(text);
        if shared.len() < MAX_SHARED {
            shared.insert(name.clone(), ());
        }
        name
    })
}

/// The decimal text of a sequence number (a default activity or timer id), shared.
pub(crate) fn seq_name(seq: u32) -> Rc<str> {
    let index = usize::try_from(seq).unwrap_or(usize::MAX);
    if index >= MAX_SHARED {
        return Rc::from(decimal_text(seq.into(), &mut [0; 20]));
    }
    SEQ_NAMES.with(|names| {
        let mut names = names.borrow_mut();
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
}
