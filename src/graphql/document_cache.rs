//! Parsed and validated documents, kept across requests.
//!
//! Clients send the same few queries over and over — a frontend's screens, a partner system's
//! sync, the benchmark's nested query —, and parsing a document and validating it against the
//! schema were a fifth of the server's instructions on the nested query (parsing 0.74 M,
//! validation 1.0 M of 8.5 M on PostgreSQL). Both are pure functions: parsing of the query's
//! text; validation of the document, the operation chosen and the variables (the complexity of
//! `first: $n` depends on `$n`), against a schema that does not change while the server runs.
//! So the parsed document is kept per query text (the HTTP layer parses through it, and hands
//! the schema the document), and a successful validation per operation name and variables
//! (the schema's extension, `checks.rs`); a failed one is never kept, so an invalid request
//! fails every time. (Subscriptions over WebSocket are parsed and validated each time: one
//! request per subscription.)
//!
//! Bounded, because anyone may send queries: at most [`MAX_DOCUMENTS`] documents whose texts
//! add up to at most [`MAX_TEXT_BYTES`] (least recently used go first), a text longer than
//! [`MAX_QUERY_BYTES`] is parsed every time, and each document keeps the validations of its
//! last [`VALIDATIONS_PER_DOCUMENT`] operation-and-variables pairs whose variables are at most
//! [`MAX_VARIABLES_BYTES`] long as JSON.
//!
//! What depends on the request rather than the document — the principal's introspection
//! rights, aliases, anonymous changes, the input guard, the rate limit's charge — is checked
//! for every request as before (see `checks.rs`).

use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
};

use async_graphql::{ValidationResult, parser::types::ExecutableDocument};
use lru::LruCache;

/// Documents kept.
pub const MAX_DOCUMENTS: usize = 256;
/// Their query texts together.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// A longer query text is parsed and validated every time.
pub const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Validations kept per document (by operation name and variables).
pub const VALIDATIONS_PER_DOCUMENT: usize = 8;
/// Requests whose variables are longer than this, as JSON, are validated every time.
pub const MAX_VARIABLES_BYTES: usize = 1024;

/// The operation and variables a validation was for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Operation {
    pub name: Option<String>,
    /// The variables as JSON.
    pub variables: String,
}

impl Operation {
    /// `None` when the variables are too long to key a validation by.
    pub fn of(name: Option<&str>, variables: &async_graphql::Variables) -> Option<Operation> {
        let variables = if variables.is_empty() {
            String::new()
        } else {
            serde_json::to_string(variables).ok()?
        };
        (variables.len() <= MAX_VARIABLES_BYTES).then(|| Operation {
            name: name.map(str::to_owned),
            variables,
        })
    }
}

struct Entry {
    document: ExecutableDocument,
    /// Oldest first.
    validations: Vec<(Operation, ValidationResult)>,
}

struct Inner {
    entries: LruCache<Arc<str>, Entry>,
    text_bytes: usize,
}

pub struct DocumentCache {
    inner: Mutex<Inner>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache {
            inner: Mutex::new(Inner {
                entries: LruCache::new(NonZeroUsize::new(MAX_DOCUMENTS).expect("non-zero")),
                text_bytes: 0,
            }),
        }
    }
}

impl DocumentCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The document parsed from `query`, if kept.
    pub fn document(&self, query: &str) -> Option<ExecutableDocument> {
        self.lock().entries.get(query).map(|e| e.document.clone())
    }

    /// Keeps the document parsed from `query` (unless the text is too long).
    pub fn keep_document(&self, query: &str, document: &ExecutableDocument) {
        if query.len() > MAX_QUERY_BYTES {
            return;
        }
        let mut inner = self.lock();
        if inner.entries.contains(query) {
            return;
        }
        inner.text_bytes += query.len();
        let entry = Entry {
            document: document.clone(),
            validations: Vec::new(),
        };
        if let Some((old, _)) = inner.entries.push(Arc::from(query), entry) {
            inner.text_bytes -= old.len();
        }
        while inner.text_bytes > MAX_TEXT_BYTES {
            match inner.entries.pop_lru() {
                Some((old, _)) => inner.text_bytes -= old.len(),
                None => break,
            }
        }
    }

    /// The successful validation of `query`'s document for `operation`, if kept.
    pub fn validation(&self, query: &str, operation: &Operation) -> Option<ValidationResult> {
        let mut inner = self.lock();
        let entry = inner.entries.get(query)?;
        entry
            .validations
            .iter()
            .find(|(op, _)| op == operation)
            .map(|(_, result)| *result)
    }

    /// Keeps a successful validation (when `query`'s document is kept).
    pub fn keep_validation(&self, query: &str, operation: Operation, result: ValidationResult) {
        let mut inner = self.lock();
        let Some(entry) = inner.entries.get_mut(query) else {
            return;
        };
        if entry.validations.iter().any(|(op, _)| *op == operation) {
            return;
        }
        if entry.validations.len() == VALIDATIONS_PER_DOCUMENT {
            entry.validations.remove(0);
        }
        entry.validations.push((operation, result));
    }

    #[cfg(test)]
    fn len(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.entries.len(), inner.text_bytes)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::types::DocumentOperations;

    use super::*;

    fn parsed(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).unwrap()
    }

    fn result(complexity: usize) -> ValidationResult {
        ValidationResult {
            cache_control: Default::default(),
            complexity,
            depth: 1,
        }
    }

    fn op(name: Option<&str>, vars: &str) -> Operation {
        Operation {
            name: name.map(str::to_owned),
            variables: vars.into(),
        }
    }

    #[test]
    fn keeps_documents_and_their_validations_per_operation_and_variables() {
        let cache = DocumentCache::default();
        let q = "query A($n: Int) { technologies(first: $n) { totalCount } } query B { me { id } }";
        assert!(cache.document(q).is_none());
        cache.keep_document(q, &parsed(q));
        // The same operations (kept in a map whose order varies from one parse to the next).
        let operation = |doc: ExecutableDocument, name: &str| match doc.operations {
            DocumentOperations::Multiple(ops) => format!("{:?}", ops[name]),
            DocumentOperations::Single(_) => unreachable!("two operations"),
        };
        for name in ["A", "B"] {
            assert_eq!(
                operation(cache.document(q).unwrap(), name),
                operation(parsed(q), name)
            );
        }
        assert!(cache.validation(q, &op(Some("A"), r#"{"n":1}"#)).is_none());
        cache.keep_validation(q, op(Some("A"), r#"{"n":1}"#), result(7));
        assert_eq!(
            cache
                .validation(q, &op(Some("A"), r#"{"n":1}"#))
                .unwrap()
                .complexity,
            7
        );
        // Other variables, another operation: not validated yet.
        assert!(cache.validation(q, &op(Some("A"), r#"{"n":90}"#)).is_none());
        assert!(cache.validation(q, &op(Some("B"), "")).is_none());
        // Only the last few pairs per document.
        for n in 0..VALIDATIONS_PER_DOCUMENT {
            cache.keep_validation(
                q,
                op(Some("A"), &format!(r#"{{"n":{}}}"#, n + 10)),
                result(n),
            );
        }
        assert!(cache.validation(q, &op(Some("A"), r#"{"n":1}"#)).is_none());
        // A validation of a document not kept is not kept either.
        cache.keep_validation("{ me { id } }", op(None, ""), result(1));
        assert!(cache.validation("{ me { id } }", &op(None, "")).is_none());
    }

    #[test]
    fn is_bounded_by_count_and_text() {
        let cache = DocumentCache::default();
        let long = format!("{{ me {{ id }} }}{}", " ".repeat(MAX_QUERY_BYTES));
        cache.keep_document(&long, &parsed(&long));
        assert!(cache.document(&long).is_none());
        for i in 0..MAX_DOCUMENTS + 10 {
            let q = format!("{{ a{i}: me {{ id }} }}");
            cache.keep_document(&q, &parsed(&q));
        }
        assert_eq!(cache.len().0, MAX_DOCUMENTS);
        assert!(cache.document("{ a0: me { id } }").is_none());
        assert!(cache.document("{ a265: me { id } }").is_some());
        // Texts near the longest kept: the byte budget binds before the count.
        let cache = DocumentCache::default();
        for i in 0..40 {
            let q = format!(
                "{{ a{i}: me {{ id }} }}{}",
                " ".repeat(MAX_QUERY_BYTES - 100)
            );
            cache.keep_document(&q, &parsed(&q));
        }
        let (n, bytes) = cache.len();
        assert!(
            bytes <= MAX_TEXT_BYTES && n < 40,
            "{n} documents, {bytes} bytes"
        );
    }

    #[test]
    fn long_variables_key_no_validation() {
        let mut vars = async_graphql::Variables::default();
        assert_eq!(Operation::of(None, &vars).unwrap().variables, "");
        vars.insert(
            async_graphql::Name::new("s"),
            async_graphql::Value::String("x".repeat(MAX_VARIABLES_BYTES)),
        );
        assert!(Operation::of(Some("A"), &vars).is_none());
    }
}
