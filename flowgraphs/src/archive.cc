#include "archive.h"

#include <sqlite3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace groundlink::app {

namespace {

// Frame flags column: one bit per boolean annotation of framing::Frame.
constexpr int64_t kContinuityOk = 1 << 0;
constexpr int64_t kRsOk = 1 << 1;
constexpr int64_t kFecfPresent = 1 << 2;
constexpr int64_t kFecfOk = 1 << 3;
constexpr int64_t kOcfPresent = 1 << 4;
constexpr int64_t kInverted = 1 << 5;

constexpr const char* kSchema = R"sql(
CREATE TABLE passes (
  id          INTEGER PRIMARY KEY,
  start_s     INTEGER NOT NULL,           -- pass start ERT, seconds since 1970 (UTC, POSIX)
  start_ps    INTEGER NOT NULL,           -- picoseconds within that second
  profile     TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL DEFAULT '',
  notes       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE frames (
  id             INTEGER PRIMARY KEY,
  pass_id        INTEGER NOT NULL REFERENCES passes(id),
  sequence       INTEGER NOT NULL,        -- frame number in the pass, from 0
  ert_s          INTEGER NOT NULL,        -- Earth-receive time, seconds since 1970
  ert_ps         INTEGER NOT NULL,        -- picoseconds within that second
  quality        INTEGER NOT NULL,        -- 0 good, 1 erred, 2 undetermined (911.1-B)
  format         INTEGER NOT NULL,        -- 0 TM, 1 AOS, 2 unknown
  tfvn           INTEGER NOT NULL,
  scid           INTEGER NOT NULL,
  vcid           INTEGER NOT NULL,
  vc_count       INTEGER NOT NULL,
  mc_count       INTEGER NOT NULL,
  frames_missing INTEGER NOT NULL,
  rs_corrected   INTEGER NOT NULL,
  asm_errors     INTEGER NOT NULL,
  flags          INTEGER NOT NULL,        -- bit 0 continuity ok, 1 RS ok, 2 FECF present,
                                          -- 3 FECF ok, 4 OCF present, 5 inverted ASM
  ocf            INTEGER NOT NULL,
  symbol_index   INTEGER NOT NULL,
  data           BLOB NOT NULL
);
-- Time-range queries (SLE offline delivery) read in ERT order straight off these indexes.
CREATE INDEX frames_by_ert ON frames (ert_s, ert_ps, pass_id, sequence);
CREATE INDEX frames_by_gvcid ON frames (tfvn, scid, vcid, ert_s, ert_ps, pass_id, sequence);
CREATE INDEX frames_by_pass ON frames (pass_id, sequence);
)sql";

constexpr const char* kFrameColumns =
    "pass_id, sequence, ert_s, ert_ps, quality, format, tfvn, scid, vcid, vc_count, mc_count, "
    "frames_missing, rs_corrected, asm_errors, flags, ocf, symbol_index, data";

std::string range_clause(bool from, bool to, bool gvcid) {
  std::string w;
  auto add = [&](const char* c) { w += w.empty() ? " WHERE " : " AND "; w += c; };
  // Row-value comparisons use the (ert_s, ert_ps) index prefix directly.
  if (gvcid) add("tfvn = :tfvn AND scid = :scid AND vcid = :vcid");
  if (from) add("(ert_s, ert_ps) >= (:from_s, :from_ps)");
  if (to) add("(ert_s, ert_ps) < (:to_s, :to_ps)");
  return w;
}

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s); }
};

void bind_named(sqlite3_stmt* s, const char* name, int64_t v) {
  const int i = sqlite3_bind_parameter_index(s, name);
  if (i > 0) sqlite3_bind_int64(s, i, v);
}

void bind_range(sqlite3_stmt* s, std::optional<framing::Timestamp> from,
                std::optional<framing::Timestamp> to, std::optional<framing::Gvcid> g) {
  if (g) {
    bind_named(s, ":tfvn", g->tfvn);
    bind_named(s, ":scid", g->scid);
    bind_named(s, ":vcid", g->vcid);
  }
  if (from) {
    bind_named(s, ":from_s", from->seconds);
    bind_named(s, ":from_ps", from->picoseconds);
  }
  if (to) {
    bind_named(s, ":to_s", to->seconds);
    bind_named(s, ":to_ps", to->picoseconds);
  }
}

}  // namespace

struct FrameArchive::Statements {
  Stmt insert_frame;
  Stmt insert_pass;
};

// ---------------------------------------------------------------------------------------------

void ArchiveConfig::validate() const {
  if (path.empty()) throw std::invalid_argument("archive.path: must name a file");
  if (retention_days < 0 || retention_days > 36500)
    throw std::invalid_argument("archive.retention_days = " + std::to_string(retention_days) +
                                ": must be in 0 (keep all) .. 36500");
  if (retention_interval < std::chrono::seconds(1) || retention_interval > std::chrono::hours(24))
    throw std::invalid_argument("archive.retention_interval: must be in 1 s .. 86400 s");
  if (busy_timeout < std::chrono::milliseconds(0) || busy_timeout > std::chrono::minutes(10))
    throw std::invalid_argument("archive.busy_timeout: must be in 0 .. 600000 ms");
}

void ArchiveWriterConfig::validate() const {
  if (queue_capacity < 1 || queue_capacity > (std::size_t{1} << 20))
    throw std::invalid_argument("archive_writer.queue_capacity: must be in 1 .. 1048576");
  if (batch_frames < 1 || batch_frames > 100000)
    throw std::invalid_argument("archive_writer.batch_frames: must be in 1 .. 100000");
  if (batch_interval < std::chrono::milliseconds(1) || batch_interval > std::chrono::seconds(10))
    throw std::invalid_argument("archive_writer.batch_interval: must be in 1 .. 10000 ms");
  if (retry_interval < std::chrono::milliseconds(1) || retry_interval > std::chrono::seconds(60))
    throw std::invalid_argument("archive_writer.retry_interval: must be in 1 .. 60000 ms");
}

// ---------------------------------------------------------------------------------------------
// FrameArchive

void FrameArchive::fail(sqlite3* db, const std::string& what) const {
  std::string msg = "archive '" + config_.path + "': " + what;
  if (db) {
    const int code = sqlite3_extended_errcode(db);
    msg += ": ";
    msg += sqlite3_errmsg(db);
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
      msg += " (another process holds the archive's write lock)";
    else if ((code & 0xff) == SQLITE_NOTADB)
      msg += " (not a groundlink archive)";
    else if ((code & 0xff) == SQLITE_CANTOPEN && sqlite3_system_errno(db) != 0)
      msg += std::string(" (") + std::strerror(sqlite3_system_errno(db)) + ")";
  }
  throw ArchiveError(msg);
}

void FrameArchive::open_connection(sqlite3** db, bool create) {
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(config_.path.c_str(), db, flags, nullptr);
  if (rc != SQLITE_OK) {
    // A handle is returned even on failure; keep its message, then free it.
    std::string msg = "archive '" + config_.path + "': cannot open";
    if (*db) {
      msg += std::string(": ") + sqlite3_errmsg(*db);
      if (sqlite3_system_errno(*db) != 0) msg += std::string(" (") + std::strerror(sqlite3_system_errno(*db)) + ")";
    }
    sqlite3_close(*db);
    *db = nullptr;
    throw ArchiveError(msg);
  }
  sqlite3_extended_result_codes(*db, 1);
  sqlite3_busy_timeout(*db, static_cast<int>(config_.busy_timeout.count()));
}

namespace {

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) throw rc;  // caught and turned into ArchiveError by the caller
}

int64_t pragma_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  int64_t v = 0;
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      v = sqlite3_column_int64(s, 0);
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_OK && rc != SQLITE_DONE) throw rc;
  return v;
}

}  // namespace

FrameArchive::FrameArchive(ArchiveConfig config) : config_(std::move(config)), st_(new Statements) {
  config_.validate();
  try {
    open_connection(&wdb_, true);
    init_schema();
    open_connection(&rdb_, false);
  } catch (...) {
    st_.reset();
    sqlite3_close(rdb_);
    sqlite3_close(wdb_);
    throw;
  }
  if (config_.retention_days > 0) apply_retention();
  spdlog::info("archive '{}': open, schema {}, synchronous={}, retention {} days", config_.path,
               kSchemaVersion, config_.synchronous == ArchiveConfig::Sync::full ? "FULL" : "NORMAL",
               config_.retention_days);
}

void FrameArchive::init_schema() {
  // 16 KiB pages hold 14 rows of a 1115-byte frame (4 KiB pages: 3, with a quarter of the page
  // unused). Only takes effect on a new file, and must precede the switch to WAL.
  sqlite3_exec(wdb_, "PRAGMA page_size=16384", nullptr, nullptr, nullptr);
  // WAL: readers (SLE offline queries) and the writer do not block each other, and a COMMIT is a
  // sequential append to the -wal file (see the durability note in archive.h).
  {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(wdb_, "PRAGMA journal_mode=WAL", -1, &s, nullptr) != SQLITE_OK)
      fail(wdb_, "cannot read the file");
    const int rc = sqlite3_step(s);
    std::string mode = rc == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "";
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) fail(wdb_, "cannot read the file or switch it to WAL mode");
    if (mode != "wal") throw ArchiveError("archive '" + config_.path + "': cannot use WAL mode (got '" + mode + "')");
  }
  try {
    exec(wdb_, config_.synchronous == ArchiveConfig::Sync::full ? "PRAGMA synchronous=FULL"
                                                               : "PRAGMA synchronous=NORMAL");
    exec(wdb_, "PRAGMA foreign_keys=ON");
    // The WAL is reset after each checkpoint (every ~1000 pages by default); this bounds what
    // stays on disk after a burst, so the -wal file does not keep its high-water size.
    exec(wdb_, "PRAGMA journal_size_limit=67108864");
  } catch (int) {
    fail(wdb_, "cannot configure");
  }
  try {
    exec(wdb_, "BEGIN IMMEDIATE");
  } catch (int) {
    fail(wdb_, "cannot lock for writing");
  }
  try {
    const int64_t app_id = pragma_int(wdb_, "PRAGMA application_id");
    const int64_t version = pragma_int(wdb_, "PRAGMA user_version");
    const int64_t objects = pragma_int(wdb_, "SELECT count(*) FROM sqlite_master");
    if (app_id == 0 && version == 0 && objects == 0) {
      exec(wdb_, kSchema);
      exec(wdb_, ("PRAGMA application_id=" + std::to_string(kApplicationId)).c_str());
      exec(wdb_, ("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
      spdlog::info("archive '{}': created (schema {})", config_.path, kSchemaVersion);
    } else if (app_id != kApplicationId) {
      exec(wdb_, "ROLLBACK");
      throw ArchiveError("archive '" + config_.path +
                         "': not a groundlink archive (an SQLite database of another application, "
                         "application_id " + std::to_string(app_id) + ")");
    } else if (version != kSchemaVersion) {
      exec(wdb_, "ROLLBACK");
      throw ArchiveError("archive '" + config_.path + "': schema version " + std::to_string(version) +
                         (version > kSchemaVersion ? " is newer than this program's (" : " is not this program's (") +
                         std::to_string(kSchemaVersion) + ")");
    }
    exec(wdb_, "COMMIT");
  } catch (int) {
    sqlite3_exec(wdb_, "ROLLBACK", nullptr, nullptr, nullptr);
    fail(wdb_, "cannot read or create the schema");
  }
  const std::string ins = std::string("INSERT INTO frames (") + kFrameColumns +
                          ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  if (sqlite3_prepare_v3(wdb_, ins.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st_->insert_frame.s, nullptr) != SQLITE_OK)
    fail(wdb_, "cannot prepare insert");
  if (sqlite3_prepare_v3(wdb_, "INSERT INTO passes (start_s, start_ps, profile, source, notes) VALUES (?,?,?,?,?)",
                         -1, SQLITE_PREPARE_PERSISTENT, &st_->insert_pass.s, nullptr) != SQLITE_OK)
    fail(wdb_, "cannot prepare insert");
}

FrameArchive::~FrameArchive() {
  st_.reset();  // statements before connections
  sqlite3_close(rdb_);
  sqlite3_close(wdb_);  // the last connection to close checkpoints the WAL into the database
}

int64_t FrameArchive::begin_pass(const PassRecord& p) {
  std::lock_guard<std::mutex> lock(write_mu_);
  sqlite3_stmt* s = st_->insert_pass.s;
  sqlite3_bind_int64(s, 1, p.start.seconds);
  sqlite3_bind_int64(s, 2, p.start.picoseconds);
  sqlite3_bind_text(s, 3, p.profile.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 4, p.source.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 5, p.notes.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc != SQLITE_DONE) fail(wdb_, "cannot record the pass");
  return sqlite3_last_insert_rowid(wdb_);
}

std::vector<PassRecord> FrameArchive::passes() const {
  std::lock_guard<std::mutex> lock(read_mu_);
  Stmt s;
  if (sqlite3_prepare_v2(rdb_, "SELECT id, start_s, start_ps, profile, source, notes FROM passes ORDER BY id",
                         -1, &s.s, nullptr) != SQLITE_OK)
    fail(rdb_, "cannot list passes");
  std::vector<PassRecord> out;
  int rc;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) {
    PassRecord p;
    p.id = sqlite3_column_int64(s.s, 0);
    p.start = {sqlite3_column_int64(s.s, 1), sqlite3_column_int64(s.s, 2)};
    p.profile = reinterpret_cast<const char*>(sqlite3_column_text(s.s, 3));
    p.source = reinterpret_cast<const char*>(sqlite3_column_text(s.s, 4));
    p.notes = reinterpret_cast<const char*>(sqlite3_column_text(s.s, 5));
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) fail(rdb_, "cannot list passes");
  return out;
}

bool FrameArchive::has_pass(int64_t pass_id) const {
  std::lock_guard<std::mutex> lock(read_mu_);
  Stmt s;
  if (sqlite3_prepare_v2(rdb_, "SELECT 1 FROM passes WHERE id = ?", -1, &s.s, nullptr) != SQLITE_OK)
    fail(rdb_, "cannot look up pass");
  sqlite3_bind_int64(s.s, 1, pass_id);
  const int rc = sqlite3_step(s.s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(rdb_, "cannot look up pass");
  return rc == SQLITE_ROW;
}

namespace {

int bind_frame(sqlite3_stmt* s, int64_t pass_id, const framing::Frame& f) {
  const int64_t none = 0;
  const int64_t flags = (f.continuity_ok ? kContinuityOk : none) | (f.rs_ok ? kRsOk : none) |
                        (f.fecf_present ? kFecfPresent : none) | (f.fecf_ok ? kFecfOk : none) |
                        (f.ocf_present ? kOcfPresent : none) | (f.inverted ? kInverted : none);
  sqlite3_bind_int64(s, 1, pass_id);
  sqlite3_bind_int64(s, 2, static_cast<int64_t>(f.sequence));
  sqlite3_bind_int64(s, 3, f.ert.seconds);
  sqlite3_bind_int64(s, 4, f.ert.picoseconds);
  sqlite3_bind_int(s, 5, static_cast<int>(f.quality));
  sqlite3_bind_int(s, 6, static_cast<int>(f.format));
  sqlite3_bind_int(s, 7, f.gvcid.tfvn);
  sqlite3_bind_int(s, 8, f.gvcid.scid);
  sqlite3_bind_int(s, 9, f.gvcid.vcid);
  sqlite3_bind_int64(s, 10, f.vc_frame_count);
  sqlite3_bind_int64(s, 11, f.mc_frame_count);
  sqlite3_bind_int64(s, 12, f.frames_missing);
  sqlite3_bind_int(s, 13, f.rs_corrected);
  sqlite3_bind_int(s, 14, f.asm_errors);
  sqlite3_bind_int64(s, 15, flags);
  sqlite3_bind_int64(s, 16, f.ocf);
  sqlite3_bind_int64(s, 17, static_cast<int64_t>(f.symbol_index));
  // SQLITE_STATIC: the frame outlives the step; an empty frame is stored as a zero-length blob.
  sqlite3_bind_blob(s, 18, f.data.empty() ? "" : static_cast<const void*>(f.data.data()),
                    static_cast<int>(f.data.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc;
}

void read_frame(sqlite3_stmt* s, StoredFrame& out) {
  framing::Frame& f = out.frame;
  out.pass_id = sqlite3_column_int64(s, 0);
  f.sequence = static_cast<uint64_t>(sqlite3_column_int64(s, 1));
  f.ert = {sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3)};
  f.quality = static_cast<framing::FrameQuality>(sqlite3_column_int(s, 4));
  f.format = static_cast<framing::FrameFormat>(sqlite3_column_int(s, 5));
  f.gvcid.tfvn = static_cast<uint8_t>(sqlite3_column_int(s, 6));
  f.gvcid.scid = static_cast<uint16_t>(sqlite3_column_int(s, 7));
  f.gvcid.vcid = static_cast<uint8_t>(sqlite3_column_int(s, 8));
  f.vc_frame_count = static_cast<uint32_t>(sqlite3_column_int64(s, 9));
  f.mc_frame_count = static_cast<uint32_t>(sqlite3_column_int64(s, 10));
  f.frames_missing = static_cast<uint32_t>(sqlite3_column_int64(s, 11));
  f.rs_corrected = sqlite3_column_int(s, 12);
  f.asm_errors = sqlite3_column_int(s, 13);
  const int64_t flags = sqlite3_column_int64(s, 14);
  f.continuity_ok = flags & kContinuityOk;
  f.rs_ok = flags & kRsOk;
  f.fecf_present = flags & kFecfPresent;
  f.fecf_ok = flags & kFecfOk;
  f.ocf_present = flags & kOcfPresent;
  f.inverted = flags & kInverted;
  f.ocf = static_cast<uint32_t>(sqlite3_column_int64(s, 15));
  f.symbol_index = static_cast<uint64_t>(sqlite3_column_int64(s, 16));
  const void* blob = sqlite3_column_blob(s, 17);
  const int n = sqlite3_column_bytes(s, 17);
  const auto* b = static_cast<const uint8_t*>(blob);
  f.data.assign(b, b + (blob ? n : 0));
}

}  // namespace

template <typename Range, typename Get>
static void store_range(sqlite3* db, sqlite3_stmt* ins, int64_t pass_id, const Range& frames, Get get,
                        const std::function<void(const std::string&)>& fail) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    fail(std::string("cannot begin a transaction: ") + sqlite3_errmsg(db));
  for (const auto& item : frames) {
    if (bind_frame(ins, pass_id, get(item)) != SQLITE_DONE) {
      const std::string msg = std::string("cannot store frame: ") + sqlite3_errmsg(db);
      sqlite3_clear_bindings(ins);
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      fail(msg);
    }
  }
  sqlite3_clear_bindings(ins);
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string msg = std::string("commit failed: ") + sqlite3_errmsg(db);
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    fail(msg);
  }
}

void FrameArchive::store(int64_t pass_id, const std::vector<framing::FramePtr>& frames) {
  if (frames.empty()) return;
  std::lock_guard<std::mutex> lock(write_mu_);
  store_range(wdb_, st_->insert_frame.s, pass_id, frames, [](const framing::FramePtr& p) -> const framing::Frame& { return *p; },
              [this](const std::string& m) { throw ArchiveError("archive '" + config_.path + "': " + m); });
}

void FrameArchive::store(int64_t pass_id, const std::vector<framing::Frame>& frames) {
  if (frames.empty()) return;
  std::lock_guard<std::mutex> lock(write_mu_);
  store_range(wdb_, st_->insert_frame.s, pass_id, frames, [](const framing::Frame& f) -> const framing::Frame& { return f; },
              [this](const std::string& m) { throw ArchiveError("archive '" + config_.path + "': " + m); });
}

uint64_t FrameArchive::query(framing::Timestamp from, framing::Timestamp to,
                             std::optional<framing::Gvcid> gvcid,
                             const std::function<bool(const StoredFrame&)>& on_frame) const {
  const std::string sql = std::string("SELECT ") + kFrameColumns + " FROM frames" +
                          range_clause(true, true, gvcid.has_value()) +
                          " ORDER BY ert_s, ert_ps, pass_id, sequence";
  std::lock_guard<std::mutex> lock(read_mu_);
  Stmt s;
  if (sqlite3_prepare_v2(rdb_, sql.c_str(), -1, &s.s, nullptr) != SQLITE_OK) fail(rdb_, "cannot query");
  bind_range(s.s, from, to, gvcid);
  uint64_t n = 0;
  StoredFrame sf;
  int rc;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) {
    read_frame(s.s, sf);
    ++n;
    if (!on_frame(sf)) return n;
  }
  if (rc != SQLITE_DONE) fail(rdb_, "query failed");
  return n;
}

uint64_t FrameArchive::count(std::optional<framing::Timestamp> from, std::optional<framing::Timestamp> to,
                             std::optional<framing::Gvcid> gvcid) const {
  const std::string sql = "SELECT count(*) FROM frames" +
                          range_clause(from.has_value(), to.has_value(), gvcid.has_value());
  std::lock_guard<std::mutex> lock(read_mu_);
  Stmt s;
  if (sqlite3_prepare_v2(rdb_, sql.c_str(), -1, &s.s, nullptr) != SQLITE_OK) fail(rdb_, "cannot count");
  bind_range(s.s, from, to, gvcid);
  if (sqlite3_step(s.s) != SQLITE_ROW) fail(rdb_, "count failed");
  return static_cast<uint64_t>(sqlite3_column_int64(s.s, 0));
}

uint64_t FrameArchive::apply_retention() {
  return apply_retention(std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
}

uint64_t FrameArchive::apply_retention(int64_t now) {
  if (config_.retention_days <= 0) return 0;
  const int64_t cutoff = now - int64_t{config_.retention_days} * 86400;
  uint64_t deleted = 0;
  // In slices of 10 000 frames, each its own transaction, so the write lock is never held for
  // long and the archive writer (same connection, same mutex) is not starved.
  for (;;) {
    std::lock_guard<std::mutex> lock(write_mu_);
    Stmt s;
    if (sqlite3_prepare_v2(wdb_,
                           "DELETE FROM frames WHERE id IN "
                           "(SELECT id FROM frames WHERE ert_s < ? LIMIT 10000)",
                           -1, &s.s, nullptr) != SQLITE_OK)
      fail(wdb_, "cannot apply retention");
    sqlite3_bind_int64(s.s, 1, cutoff);
    if (sqlite3_step(s.s) != SQLITE_DONE) fail(wdb_, "retention failed");
    const int n = sqlite3_changes(wdb_);
    deleted += static_cast<uint64_t>(n);
    if (n < 10000) break;
  }
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    Stmt s;
    if (sqlite3_prepare_v2(wdb_,
                           "DELETE FROM passes WHERE start_s < ? AND NOT EXISTS "
                           "(SELECT 1 FROM frames WHERE frames.pass_id = passes.id)",
                           -1, &s.s, nullptr) != SQLITE_OK)
      fail(wdb_, "cannot apply retention");
    sqlite3_bind_int64(s.s, 1, cutoff);
    if (sqlite3_step(s.s) != SQLITE_DONE) fail(wdb_, "retention failed");
  }
  if (deleted > 0)
    spdlog::info("archive '{}': retention ({} days) deleted {} frames", config_.path,
                 config_.retention_days, deleted);
  return deleted;
}

std::string FrameArchive::integrity_check() const {
  std::lock_guard<std::mutex> lock(read_mu_);
  Stmt s;
  if (sqlite3_prepare_v2(rdb_, "PRAGMA integrity_check", -1, &s.s, nullptr) != SQLITE_OK)
    fail(rdb_, "cannot check integrity");
  std::string out;
  int rc;
  while ((rc = sqlite3_step(s.s)) == SQLITE_ROW) {
    if (!out.empty()) out += "\n";
    out += reinterpret_cast<const char*>(sqlite3_column_text(s.s, 0));
  }
  if (rc != SQLITE_DONE) {
    if (!out.empty()) out += "\n";
    out += sqlite3_errmsg(rdb_);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ArchiveWriter

ArchiveWriter::ArchiveWriter(FrameArchive& archive, framing::FrameBus& bus, int64_t pass_id,
                             ArchiveWriterConfig config, AckCallback on_ack)
    : archive_(archive), bus_(bus), pass_id_(pass_id), config_(config), on_ack_(std::move(on_ack)) {
  config_.validate();
  if (!archive_.has_pass(pass_id))
    throw std::invalid_argument("archive writer: pass " + std::to_string(pass_id) + " is not in '" +
                                archive_.path() + "' (FrameArchive::begin_pass first)");
  sub_ = bus_.subscribe("archive", framing::DeliveryPolicy::block, config_.queue_capacity);
  thread_ = std::thread([this] { run(); });
}

ArchiveWriter::~ArchiveWriter() { stop(); }

std::string ArchiveWriter::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

bool ArchiveWriter::commit(std::vector<framing::FramePtr>& batch) {
  try {
    archive_.store(pass_id_, batch);
  } catch (const ArchiveError& e) {
    const uint64_t n = failed_commits_.fetch_add(1) + 1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_error_ = e.what();
    }
    // First failure and then every 50th: a full disk would otherwise flood the log.
    if (n == 1 || n % 50 == 0)
      spdlog::error("{} ({} frames kept for retry; failed commits: {})", e.what(), batch.size(), n);
    return false;
  }
  const std::size_t n = batch.size();
  batch.clear();
  const uint64_t total = acked_.fetch_add(n) + n;
  if (on_ack_) on_ack_(total, n);
  return true;
}

void ArchiveWriter::run() {
  using clock = std::chrono::steady_clock;
  std::vector<framing::FramePtr> batch;
  batch.reserve(config_.batch_frames);
  const auto retention_every = archive_.config().retention_interval;
  auto next_retention = clock::now() + retention_every;
  bool closed = false;
  while (!closed && !stop_.load()) {
    if (batch.empty()) {
      // Wait for the first frame of a batch; wake regularly to notice stop().
      const auto st = sub_->pop_batch(batch, config_.batch_frames, std::chrono::milliseconds(100));
      if (st == framing::PopStatus::closed) closed = true;
    }
    if (!batch.empty() && !closed) {
      // Fill the batch until it is full or batch_interval after its first frame.
      const auto deadline = clock::now() + config_.batch_interval;
      while (batch.size() < config_.batch_frames && !stop_.load()) {
        const auto now = clock::now();
        if (now >= deadline) break;
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                          std::chrono::milliseconds(1);
        const auto st = sub_->pop_batch(batch, config_.batch_frames - batch.size(), wait);
        if (st == framing::PopStatus::closed) {
          closed = true;
          break;
        }
      }
    }
    if (!batch.empty() && !commit(batch)) {
      closed = false;  // the ring may still hold frames; come back to them after the retry
      std::this_thread::sleep_for(config_.retry_interval);
      continue;
    }
    if (archive_.config().retention_days > 0 && clock::now() >= next_retention) {
      next_retention = clock::now() + retention_every;
      try {
        archive_.apply_retention();
      } catch (const ArchiveError& e) {
        spdlog::error("{}", e.what());
      }
    }
  }
  // Closed: the ring is drained. Stopped: store what is queued now (not what keeps arriving).
  if (!closed) {
    const std::size_t queued = sub_->stats().depth;
    sub_->pop_batch(batch, queued, std::chrono::milliseconds(0));
  }
  for (int attempt = 0; !batch.empty(); ++attempt) {
    if (commit(batch)) break;
    if (attempt == 4) {
      spdlog::error("archive '{}': {} frames not stored at shutdown: {}", archive_.path(),
                    batch.size(), last_error());
      break;
    }
    std::this_thread::sleep_for(config_.retry_interval);
  }
  std::lock_guard<std::mutex> lock(mu_);
  done_ = true;
  done_cv_.notify_all();
}

bool ArchiveWriter::wait_closed(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return done_cv_.wait_for(lock, timeout, [&] { return done_; });
}

void ArchiveWriter::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (sub_) bus_.unsubscribe(sub_);
}

}  // namespace groundlink::app
