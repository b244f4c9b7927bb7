// The SQLite schema as a list of migrations. A migration that has landed is never edited: change
// the schema by registering "v2", "v3", ... below it.
import GRDB
import MailMessage

enum SQLiteSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                );
                CREATE TABLE domains (
                    name TEXT PRIMARY KEY NOT NULL,          -- lower-case
                    catch_all TEXT
                );
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,    -- never reused: sessions hold ids
                    address TEXT NOT NULL,
                    address_key TEXT NOT NULL UNIQUE,        -- lower-case, for lookups
                    domain TEXT NOT NULL REFERENCES domains(name),
                    password_hash TEXT NOT NULL,
                    quota_bytes INTEGER,
                    used_bytes INTEGER NOT NULL DEFAULT 0,
                    message_count INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX accounts_by_domain ON accounts(domain);
                CREATE TABLE aliases (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    address TEXT NOT NULL,
                    address_key TEXT NOT NULL UNIQUE,
                    domain TEXT NOT NULL REFERENCES domains(name),
                    targets TEXT NOT NULL                    -- JSON array of strings
                );
                CREATE INDEX aliases_by_domain ON aliases(domain);
                CREATE TABLE mailboxes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    uid_validity INTEGER NOT NULL,
                    uid_next INTEGER NOT NULL,
                    highest_modseq INTEGER NOT NULL,
                    special_use TEXT,
                    subscribed INTEGER NOT NULL,
                    message_count INTEGER NOT NULL DEFAULT 0,
                    unseen_count INTEGER NOT NULL DEFAULT 0,
                    total_bytes INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (account_id, name)
                );
                CREATE TABLE blobs (
                    sha256 TEXT PRIMARY KEY NOT NULL,        -- lower-case hex
                    size INTEGER NOT NULL,
                    data BLOB,                               -- NULL: in blobs/ab/cd/<sha256>
                    ref_count INTEGER NOT NULL
                );
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                    uid INTEGER NOT NULL,
                    modseq INTEGER NOT NULL,
                    system_flags INTEGER NOT NULL,
                    keywords TEXT NOT NULL,                  -- newline-separated
                    internal_date REAL NOT NULL,             -- seconds since 1970
                    save_date REAL NOT NULL,
                    size INTEGER NOT NULL,
                    prefix BLOB,                             -- NULL: empty
                    content_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
                    metadata BLOB,                           -- NULL: empty
                    subject TEXT NOT NULL,
                    from_field TEXT NOT NULL,
                    to_field TEXT NOT NULL,
                    cc_field TEXT NOT NULL,
                    bcc_field TEXT NOT NULL,
                    message_id_header TEXT NOT NULL,
                    sent_date REAL,
                    UNIQUE (mailbox_id, uid)                 -- FETCH/STORE by UID
                );
                CREATE INDEX messages_by_modseq ON messages(mailbox_id, modseq);   -- CHANGEDSINCE
                CREATE INDEX messages_by_content ON messages(content_sha256);
                CREATE TABLE expunged (
                    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                    uid INTEGER NOT NULL,
                    modseq INTEGER NOT NULL,
                    PRIMARY KEY (mailbox_id, uid)
                );
                CREATE INDEX expunged_by_modseq ON expunged(mailbox_id, modseq);    -- QRESYNC VANISHED
                """)
        }
        // The SMTP envelope a message arrived with (reverse-path, recipient, DSN parameters of
        // RFC 3461), kept for delivery status notifications and audits.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN delivery_envelope BLOB")   // NULL: none (APPEND, import)
        }
        // Sieve scripts per account (RFC 5804): many scripts, at most one active, which the
        // partial unique index enforces even against a buggy caller.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE sieve_scripts (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,                      -- case-sensitive, as given
                    content TEXT NOT NULL,
                    active INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (account_id, name)
                );
                CREATE UNIQUE INDEX sieve_scripts_one_active ON sieve_scripts(account_id) WHERE active = 1;
                """)
        }
        // RFC 7162 QRESYNC: the expunge log records when each UID went, so it can be pruned after
        // the retention (ExpungeLog), and each mailbox remembers the highest MODSEQ pruned. Entries
        // that predate this migration count from now: nothing is pruned early.
        migrator.registerMigration("v4-expunge-log-age") { db in
            try db.execute(sql: """
                ALTER TABLE expunged ADD COLUMN expunged_at REAL NOT NULL DEFAULT 0;
                UPDATE expunged SET expunged_at = CAST(strftime('%s', 'now') AS REAL);
                CREATE INDEX expunged_by_age ON expunged(mailbox_id, expunged_at);
                ALTER TABLE mailboxes ADD COLUMN expunge_log_floor INTEGER NOT NULL DEFAULT 0;
                """)
        }
        // SCRAM-SHA-256 keys (RFC 5802 §3: salt, iteration count, StoredKey, ServerKey; never the
        // password) and per-device app passwords, each hashed like a password.
        migrator.registerMigration("v5-credentials") { db in
            try db.execute(sql: """
                ALTER TABLE accounts ADD COLUMN scram_sha256 TEXT;       -- NULL: not derived yet (migrated accounts)
                CREATE TABLE app_passwords (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    scram_sha256 TEXT,
                    created_at REAL NOT NULL,                -- seconds since 1970
                    PRIMARY KEY (account_id, name)
                );
                """)
        }
        // Issue 4: SEARCH BODY/TEXT through a trigram FTS5 index (substring, case-insensitive,
        // RFC 9051 §6.4.4), one row per message keyed by its id, written in the append's commit.
        // `messages.fulltext` says where a message stands: 0 not indexed yet (rows stored before
        // this migration; FullTextBackfill indexes them in the background after open), 1 indexed, 2 too
        // large to index (always searched by the matcher). detail=column keeps the index small:
        // queries AND the search string's trigrams, a candidate filter the matcher confirms.
        // The trigger also covers cascading deletes (mailbox or account removed); ids are never
        // reused (AUTOINCREMENT), so a row can never describe another message.
        // Issue 8: SELECT reads the UID list, first unseen and keywords in use from indexes.
        migrator.registerMigration("v6-fulltext-index") { db in
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN fulltext INTEGER NOT NULL DEFAULT 0;
                CREATE VIRTUAL TABLE messages_fts USING fts5(header, body, tokenize = 'trigram', detail = column);
                CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.fulltext = 1 BEGIN
                    DELETE FROM messages_fts WHERE rowid = old.id;
                END;
                CREATE INDEX messages_not_fulltext ON messages(mailbox_id, uid) WHERE fulltext != 1;
                CREATE INDEX messages_unseen ON messages(mailbox_id, uid) WHERE system_flags & 1 = 0;
                CREATE INDEX messages_keywords ON messages(mailbox_id, keywords) WHERE keywords != '';
                """)
        }
        // RFC 9208 §5.2 MESSAGE resource: an optional cap on the number of messages per account,
        // beside the storage cap of v1 (NULL: unlimited).
        migrator.registerMigration("v7-message-quota") { db in
            try db.execute(sql: "ALTER TABLE accounts ADD COLUMN quota_messages INTEGER")
        }
        // Mail waiting to leave (Sieve redirect, vacation replies, rejection notices) until the
        // OutboundQueue sends it. Bodies are inline: they are bounded by the message size limit.
        migrator.registerMigration("v8-outbound-queue") { db in
            try db.execute(sql: """
                CREATE TABLE outbound_queue (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,    -- never reused, so a removed id stays gone
                    created_at REAL NOT NULL,                -- seconds since 1970
                    envelope_from TEXT NOT NULL,             -- '' for the null reverse-path
                    recipients TEXT NOT NULL,                -- one address per line
                    content BLOB NOT NULL,
                    size INTEGER NOT NULL,
                    origin TEXT NOT NULL,                    -- sieve-redirect, sieve-vacation, sieve-reject
                    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT
                );
                CREATE INDEX outbound_queue_due ON outbound_queue(next_attempt_at);
                """)
        }
        // RFC 7352 duplicate tracking and RFC 5230 §4.2 vacation "already replied" records.
        migrator.registerMigration("v9-sieve-duplicates") { db in
            try db.execute(sql: """
                CREATE TABLE sieve_memory (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,                      -- duplicate | vacation
                    handle TEXT NOT NULL,
                    key TEXT NOT NULL,                       -- unique ID or sender address
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    PRIMARY KEY (account_id, kind, handle, key)
                );
                CREATE INDEX sieve_memory_expiry ON sieve_memory(account_id, expires_at);
                """)
        }
        // Issue 8: SORT and THREAD keys in narrow columns (SortKeyColumns), so SORT reads no
        // summary. Existing rows get theirs from their summaries in the background after open
        // (SortKeyBackfill, from the cursor set here; session 5: the backfill ran here at first
        // and held a large store's first start for minutes; the schema is unchanged); rows
        // without a summary keep version 0 and are parsed by the reader, as before.
        migrator.registerMigration("v10-sort-keys") { db in
            try db.execute(sql: SortKeyColumns.migrationSQL)
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, 0)",
                           arguments: [SortKeyBackfill.cursorSetting])
        }
        // Issue 8: whether a blob file needs no POP3 byte-stuffing (`PlainBytes`), so RETR can
        // `sendfile` it. NULL is "not known": files stored before this migration keep the
        // stuffing path until the same body is appended again or, since v14, DeliveryDataBackfill
        // scans them in the background (no scan of every file at open).
        migrator.registerMigration("v11-pop3-plain-bytes") { db in
            try db.execute(sql: "ALTER TABLE blobs ADD COLUMN pop3_plain INTEGER")
        }
        // Issue 8: the folded SEARCH header text of each message in a table of its own
        // (FoldedSearchTable), so SEARCH FROM neither reads message rows nor folds per search. Rows
        // stored before it have none and are searched through their summaries until v14's
        // DeliveryDataBackfill stores theirs.
        migrator.registerMigration("v12-search-fields") { db in
            try db.execute(sql: FoldedSearchTable.migrationSQL)
        }
        // Issue 8: for a blob file with lines starting with ".", their offsets (`DotLineOffsets`),
        // so RETR sends it by sendfile in segments with the extra dots between. NULL is "none or
        // not known": files stored before keep the stuffing path until appended again or
        // scanned by v14's DeliveryDataBackfill.
        migrator.registerMigration("v13-pop3-dot-offsets") { db in
            try db.execute(sql: "ALTER TABLE blobs ADD COLUMN pop3_dot_offsets BLOB")
        }
        // Issue 8 (session 9): messages and files stored before v11-v13 get that data in the
        // background after open (DeliveryDataBackfill, from the cursor set here); instant at open
        // whatever the store's size. A new store's pass finds nothing and removes the cursor.
        migrator.registerMigration("v14-delivery-data-backfill") { db in
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, 0)",
                           arguments: [DeliveryDataBackfill.cursorSetting])
        }
        return migrator
    }
}
