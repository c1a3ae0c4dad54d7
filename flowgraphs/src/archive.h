// The station's frame archive: every transfer frame of every pass, in one SQLite file per station.
//
// FrameArchive owns the database (schema, retention, queries); ArchiveWriter is the thread that
// takes frames from a FrameBus subscription (block policy: the archive is complete delivery) and
// stores them in batched transactions, acknowledging frames only after COMMIT.
//
// Durability. The database runs in WAL mode. A transaction is acknowledged when COMMIT returns:
//  - synchronous=NORMAL (default): COMMIT has write()n the WAL frames to the operating system;
//    the WAL is fsync()ed only at checkpoints. A committed transaction survives the death of the
//    process (kill -9, crash, OOM kill), since the data are in the kernel's page cache. After a
//    power loss or kernel crash the most recent transactions (since the last checkpoint) may be
//    rolled back; the database stays consistent (SQLite's WAL recovery), it only loses a tail.
//  - synchronous=FULL: the WAL is fsync()ed at every COMMIT; acknowledged frames survive power
//    loss as well, on storage that honours fsync, at the cost of one fsync per batch.
// Batching (up to batch_frames frames or batch_interval) keeps the fsync rate bounded either way.
//
// Thread model: FrameArchive is thread-safe. Writes (store, begin_pass, retention) go through one
// write connection under a mutex; queries use a separate read connection under another mutex, so a
// long SLE offline query does not stall the writer (WAL readers do not block the writer).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "framing/frame.h"
#include "framing/frame_bus.h"

struct sqlite3;

namespace groundlink::app {

/// Any archive failure; the message names the file.
class ArchiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ArchiveConfig {
  std::string path;                          ///< the station's archive file (created if absent)
  enum class Sync : uint8_t { normal, full };
  Sync synchronous = Sync::normal;           ///< see the durability note above
  int retention_days = 0;                    ///< delete frames older than this; 0 = keep, 0 .. 36500
  std::chrono::seconds retention_interval{3600};   ///< how often the writer applies retention, 1 s .. 1 day
  std::chrono::milliseconds busy_timeout{5000};    ///< wait for another process's lock, 0 .. 600 s
  void validate() const;                     ///< throws std::invalid_argument naming the field
};

/// One pass (contact) as archived.
struct PassRecord {
  int64_t id = 0;
  framing::Timestamp start;  ///< ERT of the pass start
  std::string profile;       ///< mission/station profile name
  std::string source;        ///< SDR device args or recording path
  std::string notes;
};

/// A frame as read back, with the pass it belongs to.
struct StoredFrame {
  int64_t pass_id = 0;
  framing::Frame frame;
};

class FrameArchive {
 public:
  /// The schema version written to PRAGMA user_version; PRAGMA application_id marks the file.
  static constexpr int kSchemaVersion = 1;
  static constexpr int32_t kApplicationId = 0x474C4E4B;  // "GLNK"

  /// Opens or creates the archive and applies retention once. Throws ArchiveError naming the
  /// path when the file cannot be opened or created, is locked beyond busy_timeout, is not an
  /// SQLite database, is another application's database, or has a newer schema.
  explicit FrameArchive(ArchiveConfig config);
  ~FrameArchive();
  FrameArchive(const FrameArchive&) = delete;
  FrameArchive& operator=(const FrameArchive&) = delete;

  const std::string& path() const { return config_.path; }
  const ArchiveConfig& config() const { return config_; }

  /// Records a new pass; returns its id (frames refer to it).
  int64_t begin_pass(const PassRecord& pass);
  std::vector<PassRecord> passes() const;
  bool has_pass(int64_t pass_id) const;

  /// Stores frames in one transaction; when it returns they are committed (see durability).
  /// Throws ArchiveError on failure, in which case none of them is stored.
  void store(int64_t pass_id, const std::vector<framing::FramePtr>& frames);
  void store(int64_t pass_id, const std::vector<framing::Frame>& frames);

  /// Frames with from <= ERT < to, optionally of one GVCID, ordered by ERT (then pass, sequence).
  /// The callback returns false to stop early. Returns the number of frames passed to it.
  /// The callback runs on the caller's thread while the read connection is held: it must not
  /// call query()/count()/passes() on this archive (store() from other threads goes on). A
  /// long-running query holds its snapshot, so the WAL grows until it ends (SQLite cannot
  /// checkpoint past an open reader).
  uint64_t query(framing::Timestamp from, framing::Timestamp to, std::optional<framing::Gvcid> gvcid,
                 const std::function<bool(const StoredFrame&)>& on_frame) const;
  /// Frames in the same range (all when no range given), optionally of one GVCID.
  uint64_t count(std::optional<framing::Timestamp> from = std::nullopt,
                 std::optional<framing::Timestamp> to = std::nullopt,
                 std::optional<framing::Gvcid> gvcid = std::nullopt) const;

  /// Deletes frames whose ERT is more than retention_days before `now` (seconds since 1970),
  /// and passes left without frames that started before the cutoff. Returns frames deleted.
  /// No-op when retention_days is 0. Retention goes by ERT, the time the archive is queried by:
  /// a replayed recording older than the retention period is removed at the next run.
  uint64_t apply_retention(int64_t now_unix_seconds);
  uint64_t apply_retention();  ///< with the system clock

  /// PRAGMA integrity_check's answer ("ok" for a sound file).
  std::string integrity_check() const;

 private:
  void open_connection(sqlite3** db, bool create);
  void init_schema();
  [[noreturn]] void fail(sqlite3* db, const std::string& what) const;

  ArchiveConfig config_;
  mutable std::mutex write_mu_;
  mutable std::mutex read_mu_;
  sqlite3* wdb_ = nullptr;
  sqlite3* rdb_ = nullptr;
  struct Statements;
  std::unique_ptr<Statements> st_;
};

struct ArchiveWriterConfig {
  std::size_t queue_capacity = 8192;                 ///< FrameBus ring, 1 .. 1 048 576
  std::size_t batch_frames = 1000;                   ///< frames per transaction at most, 1 .. 100 000
  std::chrono::milliseconds batch_interval{50};      ///< commit at least this often, 1 ms .. 10 s
  std::chrono::milliseconds retry_interval{200};     ///< after a failed commit, 1 ms .. 60 s
  void validate() const;
};

/// The archive's consumer thread. Subscribes to the bus (block policy: no frame is lost; a slow
/// disk holds the receive chain back through the bus rather than dropping frames) and stores
/// frames in batches. A failed batch (disk full, I/O error) is kept and retried, not dropped.
/// The archive must outlive its writers.
class ArchiveWriter {
 public:
  /// Called on the writer thread after each COMMIT with the total acknowledged so far and the
  /// number in this batch. Must not block for long (the writer waits for it) and must not throw.
  using AckCallback = std::function<void(uint64_t total, std::size_t batch)>;

  /// Throws std::invalid_argument for a bad config or a pass_id the archive does not have
  /// (a frame that can never be stored would otherwise be retried for ever).
  ArchiveWriter(FrameArchive& archive, framing::FrameBus& bus, int64_t pass_id,
                ArchiveWriterConfig config = {}, AckCallback on_ack = {});
  ~ArchiveWriter();  ///< stop()
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  /// Stores what is already queued, unsubscribes and joins the thread. When the bus was
  /// closed first, every frame published before close() is stored. Idempotent.
  void stop();
  /// Waits until the bus is closed and everything queued is stored (end of pass), or `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);

  uint64_t acknowledged() const { return acked_.load(); }
  uint64_t failed_commits() const { return failed_commits_.load(); }
  std::string last_error() const;
  framing::SubscriptionStats bus_stats() const { return sub_->stats(); }

 private:
  void run();
  bool commit(std::vector<framing::FramePtr>& batch);

  FrameArchive& archive_;
  framing::FrameBus& bus_;
  int64_t pass_id_;
  ArchiveWriterConfig config_;
  AckCallback on_ack_;
  framing::SubscriptionPtr sub_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> acked_{0};
  std::atomic<uint64_t> failed_commits_{0};
  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace groundlink::app
