//! Store maintenance (DESIGN.md §4, §6): ageing by retention rules and `tidy` (delete entries
//! older than an age, by class and retrieval status), and `resync` (index the files that lack
//! rows, drop rows whose files are gone, keeping the status of the rest).

use std::time::Duration;

use super::error::{Result, StoreError};
use super::format::{EntryClass, MessageFile};
use super::index::{self, RetrievalStatus};
use super::query::{Attr, Filter, FilterItem, Range, Selector, Value};
use super::{EntryKey, MailboxName, Store, now_ms, parse_entry_name, read_mailbox_toml};

/// What to tidy away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TidyRule {
    /// Entries created at least this long ago.
    pub older_than: Duration,
    /// Only entries with this status (None: any).
    pub status: Option<RetrievalStatus>,
    /// Only this class (None: both).
    pub class: Option<EntryClass>,
    /// Only this mailbox id (None: all).
    pub mailbox_id: Option<String>,
}

impl From<&crate::config::RetentionRule> for TidyRule {
    fn from(r: &crate::config::RetentionRule) -> Self {
        TidyRule {
            older_than: r.max_age,
            status: r.status.map(|s| match s {
                crate::config::RetrievalStatus::New => RetrievalStatus::New,
                crate::config::RetrievalStatus::Listed => RetrievalStatus::Listed,
                crate::config::RetrievalStatus::Processed => RetrievalStatus::Processed,
            }),
            class: Some(match r.class {
                crate::config::EntryClass::Delivery => EntryClass::Inbox,
                crate::config::EntryClass::Submission => EntryClass::Outbox,
            }),
            mailbox_id: None,
        }
    }
}

/// One entry tidy deleted (or would delete).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tidied {
    /// Where it was.
    pub key: EntryKey,
    /// Its status.
    pub status: RetrievalStatus,
    /// Its creation time, ms since the epoch.
    pub creation_ms: i64,
}

/// What resync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ResyncReport {
    /// Files indexed (status new).
    pub added: u64,
    /// Rows dropped because their files are gone.
    pub dropped: u64,
    /// Files that could not be read or decoded (left alone; `rebuild` quarantines them).
    pub damaged: u64,
    /// Mailboxes registered from their `mailbox.toml`.
    pub mailboxes_added: u64,
}

impl Store {
    /// Deletes (or with `dry_run` only lists) the entries a rule selects, children with their
    /// parents. Each deletion is logged.
    pub fn tidy(&self, rule: &TidyRule, dry_run: bool) -> Result<Vec<Tidied>> {
        let cutoff =
            now_ms().saturating_sub(i64::try_from(rule.older_than.as_millis()).unwrap_or(i64::MAX));
        let mut out = Vec::new();
        for (id, _) in self.mailboxes() {
            if rule.mailbox_id.as_ref().is_some_and(|m| *m != id) {
                continue;
            }
            for class in EntryClass::ALL {
                if rule.class.is_some_and(|c| c != class) {
                    continue;
                }
                let sel = Selector {
                    range: Some(Range::CreationTime {
                        from: None,
                        to: Some(cutoff),
                    }),
                    filter: rule.status.map(|s| {
                        Filter::Item(FilterItem::Equality(
                            Attr::RetrievalStatus,
                            Value::Int(i64::from(s.code())),
                        ))
                    }),
                    ..Selector::all(class)
                };
                let found = self.select(&id, &sel)?;
                let seqs: Vec<u32> = found.entries.iter().map(|e| e.0).collect();
                for (seq, a) in &found.entries {
                    let t = Tidied {
                        key: EntryKey {
                            mailbox_id: id.clone(),
                            class,
                            seq: *seq,
                        },
                        status: a.retrieval_status(),
                        creation_ms: a.creation_ms,
                    };
                    if !dry_run {
                        tracing::info!(mailbox = %id, class = class.dir_name(), seq, status = t.status.name(), creation_ms = a.creation_ms, "store: ageing deletes entry");
                    }
                    out.push(t);
                }
                if !dry_run && !seqs.is_empty() {
                    self.delete_entries(&id, class, &seqs)?;
                }
            }
        }
        Ok(out)
    }

    /// Applies the configured retention rules once (the server runs this every interval).
    pub fn age(&self, rules: &[crate::config::RetentionRule]) -> Result<u64> {
        let mut n = 0;
        for r in rules {
            n += self.tidy(&TidyRule::from(r), false)?.len() as u64;
        }
        Ok(n)
    }

    /// Brings the index in line with the files of one mailbox (or all): files without rows
    /// are indexed with status new, rows without files are dropped, the rest keep their status.
    pub fn resync(&self, only: Option<&str>) -> Result<ResyncReport> {
        // A deleted entry's file still waiting for removal must not be indexed again.
        self.finish_deletes();
        let mut rep = ResyncReport::default();
        let fs = self.fs.clone();
        let root = self.layout.mailboxes();
        let dirs = fs
            .read_dir(&root)
            .map_err(|e| StoreError::io("list", &root, e))?;
        let known: std::collections::HashSet<String> =
            self.mailboxes().into_iter().map(|m| m.0).collect();
        for d in dirs.iter().filter(|e| e.is_dir) {
            if only.is_some_and(|o| o != d.name) {
                continue;
            }
            if !known.contains(&d.name) {
                let toml = self.layout.mailbox_toml(&d.name);
                let Ok(row) = read_mailbox_toml(fs.as_ref(), &toml) else {
                    tracing::warn!(dir = %d.name, "store: resync skips a mailbox directory without a readable mailbox.toml");
                    continue;
                };
                self.mailbox(&MailboxName::new(row.address, row.canonical))?;
                rep.mailboxes_added += 1;
            }
            for class in EntryClass::ALL {
                let cdir = self.layout.class_dir(&d.name, class);
                let files: std::collections::BTreeSet<u32> = match fs.read_dir(&cdir) {
                    Ok(v) => v.iter().filter_map(|e| parse_entry_name(&e.name)).collect(),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
                    Err(e) => return Err(StoreError::io("list", &cdir, e)),
                };
                let rows: std::collections::BTreeSet<u32> = self
                    .entries(&d.name, class)?
                    .into_iter()
                    .map(|r| r.0)
                    .collect();
                let missing: Vec<u32> = files.difference(&rows).copied().collect();
                let orphans: Vec<u32> = rows.difference(&files).copied().collect();
                if missing.is_empty() && orphans.is_empty() {
                    continue;
                }
                let mut parsed: Vec<(u32, MessageFile, u64, u32)> = Vec::new();
                for s in missing {
                    let path = self.layout.entry_file(&d.name, class, s);
                    let ok = fs.read(&path).ok().and_then(|b| {
                        let crc = super::format::stored_crc(&b).unwrap_or_default();
                        MessageFile::decode(&b)
                            .ok()
                            .filter(|m| m.seq == s && m.class == class)
                            .map(|m| (m, b.len() as u64, crc))
                    });
                    match ok {
                        Some((m, len, crc)) => parsed.push((s, m, len, crc)),
                        None => {
                            rep.damaged += 1;
                            tracing::warn!(path = %path.display(), "store: resync skips a damaged file");
                        }
                    }
                }
                let r = self.with_db(|db| {
                    let txn = db.begin_write()?;
                    {
                        let mut t = txn.open_table(index::ENTRIES)?;
                        for s in &orphans {
                            t.remove(index::entry_key(&d.name, class, *s))?;
                            let key = EntryKey {
                                mailbox_id: d.name.clone(),
                                class,
                                seq: *s,
                            };
                            for x in &self.options.extensions {
                                x.remove(&txn, &key)?;
                            }
                        }
                        for (s, m, len, crc) in &parsed {
                            let row = index::EntryRow {
                                entry_type: m.entry_type.code(),
                                status: RetrievalStatus::New.code(),
                                time_ms: m.time_ms,
                                file_size: *len,
                                envelope_len: m.envelope.len() as u32,
                                content_len: m.content.len() as u32,
                                file_crc: *crc,
                                children: m.children.clone(),
                            };
                            t.insert(
                                index::entry_key(&d.name, class, *s),
                                index::encode_value(&row)?.as_slice(),
                            )?;
                            let key = EntryKey {
                                mailbox_id: d.name.clone(),
                                class,
                                seq: *s,
                            };
                            for x in &self.options.extensions {
                                x.insert(&txn, &key, m, RetrievalStatus::New)?;
                            }
                        }
                    }
                    txn.commit()?;
                    Ok(())
                });
                if let Err(e) = &r
                    && e.is_index()
                {
                    self.reset_db();
                }
                r?;
                if let Some(t) = &self.text {
                    for s in &orphans {
                        t.remove(&EntryKey {
                            mailbox_id: d.name.clone(),
                            class,
                            seq: *s,
                        });
                    }
                    for (s, m, _, _) in &parsed {
                        let key = EntryKey {
                            mailbox_id: d.name.clone(),
                            class,
                            seq: *s,
                        };
                        t.add(&key, &super::attrs::text_of(m));
                    }
                }
                rep.added += parsed.len() as u64;
                rep.dropped += orphans.len() as u64;
                if !orphans.is_empty() || !parsed.is_empty() {
                    tracing::info!(mailbox = %d.name, class = class.dir_name(), added = parsed.len(), dropped = orphans.len(), "store: resync");
                }
            }
        }
        Ok(rep)
    }
}
