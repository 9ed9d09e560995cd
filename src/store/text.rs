//! The derived text index (DESIGN.md §4): tantivy over subject, text body parts and
//! originator / recipient names, for the `text` attribute's approximate-match (all words
//! present). Documents are added on the delivery path without a commit; a background thread
//! commits in batches. Entries added since the last commit are kept in a pending set and
//! evaluated directly by queries, so results are read-your-writes. The index is rebuilt from the
//! files whenever it might be behind (new, unclean shutdown, or a document count that disagrees
//! with the attribute rows).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TEXT};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term, doc};

use super::EntryKey;
use super::error::{Result, StoreError};

/// How often the background thread commits pending documents.
pub const COMMIT_EVERY: Duration = Duration::from_millis(500);
/// Longest token tantivy's default tokenizer keeps; longer words are never found by it, so a
/// query with one falls back to direct evaluation.
pub const MAX_TOKEN: usize = 40;

fn terr(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("text index: {e}"))
}

/// The text index of a store.
pub struct TextIndex {
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f_key: Field,
    f_mb: Field,
    f_class: Field,
    f_seq: Field,
    f_text: Field,
    /// Entries added or removed since the last commit, with the change number of their latest
    /// change (so a commit forgets only the changes it carried, once readers see them).
    pending: Mutex<(BTreeMap<EntryKey, u64>, u64)>,
}

impl std::fmt::Debug for TextIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextIndex").finish_non_exhaustive()
    }
}

fn key_text(k: &EntryKey) -> String {
    format!("{}:{}:{}", k.mailbox_id, k.class.code(), k.seq)
}

impl TextIndex {
    /// Opens or creates the index in `dir`. Returns whether it was created empty.
    pub fn open(dir: &Path) -> Result<(Arc<TextIndex>, bool)> {
        let mut sb = Schema::builder();
        let f_key = sb.add_text_field("key", STRING);
        let f_mb = sb.add_text_field("mb", STRING);
        let f_class = sb.add_u64_field("class", INDEXED);
        let f_seq = sb.add_u64_field("seq", FAST);
        let f_text = sb.add_text_field("text", TEXT);
        let schema = sb.build();
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create", dir, e))?;
        let meta = dir.join("meta.json");
        let created = !meta.exists();
        let index = if created {
            Index::create_in_dir(dir, schema).map_err(terr)?
        } else {
            Index::open_in_dir(dir).map_err(terr)?
        };
        let writer = index
            .writer_with_num_threads(1, 32 * 1024 * 1024)
            .map_err(terr)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(terr)?;
        Ok((
            Arc::new(TextIndex {
                reader,
                writer: Mutex::new(writer),
                f_key,
                f_mb,
                f_class,
                f_seq,
                f_text,
                pending: Mutex::new((BTreeMap::new(), 0)),
            }),
            created,
        ))
    }

    /// Starts the background committer; it ends when the index is dropped.
    pub fn start_committer(this: &Arc<TextIndex>) {
        let weak: Weak<TextIndex> = Arc::downgrade(this);
        let spawned = std::thread::Builder::new()
            .name("mstore-text-commit".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(COMMIT_EVERY);
                    let Some(t) = weak.upgrade() else { return };
                    if let Err(e) = t.commit() {
                        tracing::warn!(error = %e, "store: text index commit failed; queries evaluate the pending entries directly");
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "store: no text commit thread; text commits at close only");
        }
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_pending(&self) -> std::sync::MutexGuard<'_, (BTreeMap<EntryKey, u64>, u64)> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn mark(&self, key: &EntryKey) {
        let mut p = self.lock_pending();
        p.1 += 1;
        let n = p.1;
        p.0.insert(key.clone(), n);
    }

    /// Adds (or replaces) an entry's text; visible to queries at once through the pending set.
    pub fn add(&self, key: &EntryKey, text: &str) {
        let w = self.lock_writer();
        self.mark(key);
        w.delete_term(Term::from_field_text(self.f_key, &key_text(key)));
        let r = w.add_document(doc!(
            self.f_key => key_text(key),
            self.f_mb => key.mailbox_id.clone(),
            self.f_class => u64::from(key.class.code()),
            self.f_seq => u64::from(key.seq),
            self.f_text => text,
        ));
        if let Err(e) = r {
            tracing::warn!(error = %e, "store: text index add failed");
        }
    }

    /// Removes an entry.
    pub fn remove(&self, key: &EntryKey) {
        let w = self.lock_writer();
        self.mark(key);
        w.delete_term(Term::from_field_text(self.f_key, &key_text(key)));
    }

    /// Removes every document.
    pub fn clear(&self) -> Result<()> {
        let mut w = self.lock_writer();
        w.delete_all_documents().map_err(terr)?;
        w.commit().map_err(terr)?;
        self.reader.reload().map_err(terr)?;
        Ok(())
    }

    /// Commits what was added. The pending marks of the committed changes are dropped only
    /// after readers see the commit, so no query misses an entry in between.
    pub fn commit(&self) -> Result<()> {
        let mut w = self.lock_writer();
        // Adds and removes take the writer lock first: nothing changes until it is released.
        let upto = {
            let p = self.lock_pending();
            if p.0.is_empty() {
                return Ok(());
            }
            p.1
        };
        w.commit().map_err(terr)?;
        drop(w);
        self.reader.reload().map_err(terr)?;
        self.lock_pending().0.retain(|_, n| *n > upto);
        Ok(())
    }

    /// Documents committed.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Sequence numbers of a mailbox and class pending (not yet committed).
    pub fn pending(&self, mailbox_id: &str, class: u8) -> Vec<u32> {
        self.lock_pending()
            .0
            .keys()
            .filter(|k| k.mailbox_id == mailbox_id && k.class.code() == class)
            .map(|k| k.seq)
            .collect()
    }

    /// Committed entries of a mailbox and class whose text has every one of `words`
    /// (lower-case), ascending; `None` if tantivy cannot answer (a word too long).
    pub fn search_all_words(
        &self,
        mailbox_id: &str,
        class: u8,
        words: &[String],
    ) -> Result<Option<Vec<u32>>> {
        if words.is_empty() || words.iter().any(|w| w.len() > MAX_TOKEN) {
            return Ok(None);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.f_mb, mailbox_id),
                    IndexRecordOption::Basic,
                )),
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.f_class, u64::from(class)),
                    IndexRecordOption::Basic,
                )),
            ),
        ];
        for w in words {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.f_text, w),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let q = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let hits = searcher.search(&q, &DocSetCollector).map_err(terr)?;
        let mut by_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for addr in hits {
            by_segment
                .entry(addr.segment_ord)
                .or_default()
                .push(addr.doc_id);
        }
        let mut out = Vec::new();
        for (seg, docs) in by_segment {
            // One column handle per segment, not per hit.
            let col = searcher
                .segment_reader(seg)
                .fast_fields()
                .u64("seq")
                .map_err(terr)?;
            out.extend(
                docs.into_iter()
                    .filter_map(|d| col.first(d).and_then(|s| u32::try_from(s).ok())),
            );
        }
        out.sort_unstable();
        Ok(Some(out))
    }
}
