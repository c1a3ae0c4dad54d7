// The frame archive: acknowledged frames survive kill -9 byte for byte; range and GVCID queries
// against a brute-force filter of the frames written; retention; schema, path, lock and
// corruption errors name the file and never crash.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "archive.h"
#include "framing/frame_bus.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using groundlink::app::ArchiveConfig;
using groundlink::app::ArchiveError;
using groundlink::app::ArchiveWriter;
using groundlink::app::ArchiveWriterConfig;
using groundlink::app::FrameArchive;
using groundlink::app::PassRecord;
using groundlink::app::StoredFrame;
using groundlink::framing::DeliveryPolicy;
using groundlink::framing::Frame;
using groundlink::framing::FrameBus;
using groundlink::framing::FrameFormat;
using groundlink::framing::FrameQuality;
using groundlink::framing::Gvcid;
using groundlink::framing::Timestamp;

namespace {

constexpr std::size_t kFrameLen = 1115;  // CCSDS 131.0-B recommended TM frame length with RS(255,223) I=5
constexpr int64_t kFramePeriodPs = 8'920'000'000;  // 1115 B at 1 Mbit/s

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("groundlink-archive-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" +
             std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

const Timestamp kPassStart{1'790'000'000, 123'456'789'012};

/// A frame with every field derived from (seed, seq), so a reader can rebuild it independently.
Frame make_frame(uint64_t seq, Timestamp start = kPassStart, uint64_t seed = 1) {
  uint64_t x = seed * 1'000'003 + seq;
  Frame f;
  f.data.resize(kFrameLen);
  for (std::size_t i = 0; i < kFrameLen; i += 8) {
    const uint64_t r = splitmix64(x);
    for (std::size_t k = 0; k < 8 && i + k < kFrameLen; ++k) f.data[i + k] = static_cast<uint8_t>(r >> (8 * k));
  }
  const uint64_t r = splitmix64(x);
  f.quality = static_cast<FrameQuality>(r % 3);
  f.format = static_cast<FrameFormat>((r >> 2) % 3);
  f.gvcid = Gvcid{static_cast<uint8_t>((r >> 4) & 1), static_cast<uint16_t>(0x2A + ((r >> 5) & 1)),
                  static_cast<uint8_t>((r >> 6) % 3)};
  f.vc_frame_count = static_cast<uint32_t>(seq & 0xFFFFFF);
  f.mc_frame_count = static_cast<uint32_t>(seq & 0xFF);
  f.continuity_ok = (r >> 8) & 1;
  f.frames_missing = static_cast<uint32_t>((r >> 9) % 4);
  f.rs_corrected = static_cast<int>((r >> 11) % 81);
  f.rs_ok = (r >> 18) & 1;
  f.fecf_present = (r >> 19) & 1;
  f.fecf_ok = (r >> 20) & 1;
  f.ocf_present = (r >> 21) & 1;
  f.ocf = static_cast<uint32_t>(r >> 32);
  f.inverted = (r >> 22) & 1;
  f.asm_errors = static_cast<int>((r >> 23) % 5);
  f.symbol_index = 10'000 + seq * kFrameLen * 16;
  f.sequence = seq;
  f.ert = start.plus_ps(static_cast<int64_t>(seq) * kFramePeriodPs);
  return f;
}

void expect_same(const Frame& a, const Frame& b) {
  EXPECT_EQ(a.data, b.data) << "sequence " << a.sequence;
  EXPECT_EQ(a.quality, b.quality);
  EXPECT_EQ(a.format, b.format);
  EXPECT_TRUE(a.gvcid == b.gvcid);
  EXPECT_EQ(a.vc_frame_count, b.vc_frame_count);
  EXPECT_EQ(a.mc_frame_count, b.mc_frame_count);
  EXPECT_EQ(a.continuity_ok, b.continuity_ok);
  EXPECT_EQ(a.frames_missing, b.frames_missing);
  EXPECT_EQ(a.rs_corrected, b.rs_corrected);
  EXPECT_EQ(a.rs_ok, b.rs_ok);
  EXPECT_EQ(a.fecf_present, b.fecf_present);
  EXPECT_EQ(a.fecf_ok, b.fecf_ok);
  EXPECT_EQ(a.ocf_present, b.ocf_present);
  EXPECT_EQ(a.ocf, b.ocf);
  EXPECT_EQ(a.inverted, b.inverted);
  EXPECT_EQ(a.asm_errors, b.asm_errors);
  EXPECT_EQ(a.symbol_index, b.symbol_index);
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_TRUE(a.ert == b.ert) << a.ert.seconds << "." << a.ert.picoseconds << " vs " << b.ert.seconds
                              << "." << b.ert.picoseconds;
}

ArchiveConfig config_for(const std::string& path) {
  ArchiveConfig c;
  c.path = path;
  return c;
}

std::string error_of(const ArchiveConfig& c) {
  try {
    FrameArchive a(c);
  } catch (const ArchiveError& e) {
    return e.what();
  }
  return "";
}

bool full_read(int fd, void* buf, std::size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

}  // namespace

// A real child process writes through the archive writer and reports each acknowledgement on a
// pipe; the parent kills it with SIGKILL mid-stream, reopens the file and finds every
// acknowledged frame, byte for byte, in a consistent database.
TEST(FrameArchive, AcknowledgedFramesSurviveKill9) {
  TempDir dir;
  const std::string path = dir.file("station.sqlite");
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a parent that failed before killing us
    ::close(fds[0]);
    int code = 0;
    try {
      FrameArchive archive(config_for(path));
      const int64_t pass = archive.begin_pass(PassRecord{0, kPassStart, "ccsds-concatenated", "kill9", ""});
      FrameBus bus;
      ArchiveWriterConfig wc;
      wc.batch_frames = 250;
      ArchiveWriter writer(archive, bus, pass, wc, [&](uint64_t total, std::size_t) {
        if (::write(fds[1], &total, sizeof total) != static_cast<ssize_t>(sizeof total)) ::_exit(4);
      });
      // Far more than can be written before the parent kills us: the kill lands mid-stream.
      for (uint64_t seq = 0; seq < 10'000'000; ++seq) bus.publish(make_frame(seq));
      code = 5;  // reaching here means the parent never killed us
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  ::close(fds[1]);
  uint64_t acked = 0, value = 0;
  bool killed = false;
  while (full_read(fds[0], &value, sizeof value)) {
    EXPECT_GT(value, acked) << "acknowledgements go forward";
    acked = value;
    if (!killed && acked >= 2000) {
      ASSERT_EQ(::kill(pid, SIGKILL), 0);
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(killed) << "child ended before 2000 frames were acknowledged, status " << status;
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
  // The WAL the child left behind is recovered by the next open.
  ASSERT_TRUE(fs::exists(path + "-wal"));

  FrameArchive archive(config_for(path));
  EXPECT_EQ(archive.integrity_check(), "ok");
  const uint64_t stored = archive.count();
  EXPECT_GE(stored, acked);
  std::cout << "[ kill -9  ] acknowledged " << acked << ", found " << stored << " frames after SIGKILL\n";
  // Stored frames are exactly frames 0 .. stored-1 (committed batches are whole, in order).
  uint64_t next = 0;
  archive.query(Timestamp{0, 0}, Timestamp{INT64_MAX, 0}, std::nullopt, [&](const StoredFrame& s) {
    EXPECT_EQ(s.frame.sequence, next);
    if (s.frame.sequence != next) return false;
    expect_same(s.frame, make_frame(next));
    ++next;
    return !::testing::Test::HasFailure();
  });
  EXPECT_EQ(next, stored);
  ASSERT_EQ(archive.passes().size(), 1u);
  EXPECT_EQ(archive.passes()[0].source, "kill9");
}

TEST(FrameArchive, RoundTripsEveryField) {
  TempDir dir;
  std::vector<Frame> frames;
  for (uint64_t i = 0; i < 300; ++i) frames.push_back(make_frame(i, kPassStart, 7));
  frames[5].data.clear();  // an empty frame is still a frame
  frames[6].ert = Timestamp{-5, 999'999'999'999};  // before 1970: signed seconds round-trip
  {
    FrameArchive a(config_for(dir.file("a.db")));
    const int64_t pass = a.begin_pass(PassRecord{0, kPassStart, "snpp", "rx0", "test pass"});
    a.store(pass, frames);
  }
  FrameArchive a(config_for(dir.file("a.db")));
  EXPECT_EQ(a.count(), 300u);
  std::vector<StoredFrame> got;
  a.query(Timestamp{INT64_MIN, 0}, Timestamp{INT64_MAX, 0}, std::nullopt, [&](const StoredFrame& s) {
    got.push_back(s);
    return true;
  });
  ASSERT_EQ(got.size(), 300u);
  expect_same(got[0].frame, frames[6]);  // earliest ERT first
  for (std::size_t i = 1; i < got.size(); ++i) {
    const uint64_t seq = got[i].frame.sequence;
    ASSERT_LT(seq, frames.size());
    expect_same(got[i].frame, frames[seq]);
  }
  const auto passes = a.passes();
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].profile, "snpp");
  EXPECT_EQ(passes[0].notes, "test pass");
  EXPECT_TRUE(passes[0].start == kPassStart);
  EXPECT_EQ(got[0].pass_id, passes[0].id);
}

TEST(FrameArchive, RangeQueryIsHalfOpenOrderedAndMatchesBruteForce) {
  TempDir dir;
  FrameArchive a(config_for(dir.file("r.db")));
  // Two passes whose frames interleave in time, stored in shuffled order.
  const Timestamp start2 = kPassStart.plus_ps(kFramePeriodPs / 3);
  std::vector<std::pair<int64_t, Frame>> all;
  const int64_t p1 = a.begin_pass(PassRecord{0, kPassStart, "p", "one", ""});
  const int64_t p2 = a.begin_pass(PassRecord{0, start2, "p", "two", ""});
  for (uint64_t i = 0; i < 400; ++i) {
    all.emplace_back(p1, make_frame(i, kPassStart, 1));
    all.emplace_back(p2, make_frame(i, start2, 2));
  }
  std::mt19937 rng(42);
  std::vector<std::size_t> order(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t k = 0; k < order.size(); k += 50) {
    std::vector<Frame> b1, b2;
    for (std::size_t j = k; j < std::min(order.size(), k + 50); ++j)
      (all[order[j]].first == p1 ? b1 : b2).push_back(all[order[j]].second);
    a.store(p1, b1);
    a.store(p2, b2);
  }
  // Boundaries on exact frame ERTs: `from` included, `to` excluded, to the picosecond.
  const Timestamp from = make_frame(100, kPassStart, 1).ert;
  const Timestamp to = make_frame(250, start2, 2).ert;
  std::vector<const Frame*> expected;
  for (const auto& [pass, f] : all)
    if (!(f.ert < from) && f.ert < to) expected.push_back(&f);
  std::sort(expected.begin(), expected.end(), [](const Frame* x, const Frame* y) { return x->ert < y->ert; });
  std::vector<Frame> got;
  const uint64_t n = a.query(from, to, std::nullopt, [&](const StoredFrame& s) {
    got.push_back(s.frame);
    return true;
  });
  ASSERT_EQ(n, expected.size());
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) expect_same(got[i], *expected[i]);
  EXPECT_TRUE(got.front().ert == from);
  EXPECT_TRUE(got.back().ert < to);
  EXPECT_EQ(a.count(from, to), expected.size());
  // One picosecond later excludes the first frame.
  EXPECT_EQ(a.count(from.plus_ps(1), to), expected.size() - 1);
  // The callback can stop the delivery.
  uint64_t seen = 0;
  EXPECT_EQ(a.query(from, to, std::nullopt, [&](const StoredFrame&) { return ++seen < 10; }), 10u);
  EXPECT_EQ(a.count(to, from), 0u);
}

TEST(FrameArchive, GvcidFilterMatchesBruteForce) {
  TempDir dir;
  FrameArchive a(config_for(dir.file("g.db")));
  const int64_t pass = a.begin_pass(PassRecord{0, kPassStart, "p", "s", ""});
  std::vector<Frame> frames;
  for (uint64_t i = 0; i < 1200; ++i) frames.push_back(make_frame(i, kPassStart, 3));
  a.store(pass, frames);
  const Timestamp from = frames[200].ert, to = frames[1000].ert;
  int checked = 0;
  for (uint8_t tfvn = 0; tfvn < 2; ++tfvn)
    for (uint16_t scid : {0x2A, 0x2B, 0x2C})
      for (uint8_t vcid = 0; vcid < 4; ++vcid) {
        const Gvcid g{tfvn, scid, vcid};
        std::vector<uint64_t> expected;
        for (const Frame& f : frames)
          if (f.gvcid == g && !(f.ert < from) && f.ert < to) expected.push_back(f.sequence);
        std::vector<uint64_t> got;
        a.query(from, to, g, [&](const StoredFrame& s) {
          EXPECT_TRUE(s.frame.gvcid == g);
          got.push_back(s.frame.sequence);
          return true;
        });
        EXPECT_EQ(got, expected);
        EXPECT_EQ(a.count(from, to, g), expected.size());
        uint64_t all_of_g = 0;
        for (const Frame& f : frames) all_of_g += f.gvcid == g;
        EXPECT_EQ(a.count(std::nullopt, std::nullopt, g), all_of_g);
        checked += expected.empty() ? 0 : 1;
      }
  EXPECT_EQ(checked, 12);  // 2 TFVN x 2 SCID x 3 VC present; SCID 0x2C and VC 3 are empty
}

TEST(FrameArchive, RetentionDeletesOldFramesAtOpenAndOnDemand) {
  TempDir dir;
  const std::string path = dir.file("ret.db");
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t day = 86400;
  int64_t old_pass = 0, mid_pass = 0, new_pass = 0;
  {
    FrameArchive a(config_for(path));
    old_pass = a.begin_pass(PassRecord{0, Timestamp{now - 10 * day, 0}, "p", "old", ""});
    mid_pass = a.begin_pass(PassRecord{0, Timestamp{now - 5 * day, 0}, "p", "mid", ""});
    new_pass = a.begin_pass(PassRecord{0, Timestamp{now - 1 * day, 0}, "p", "new", ""});
    std::vector<Frame> o, m, n;
    for (uint64_t i = 0; i < 100; ++i) {
      o.push_back(make_frame(i, Timestamp{now - 10 * day, 0}));
      m.push_back(make_frame(i, Timestamp{now - 5 * day, 0}));
      n.push_back(make_frame(i, Timestamp{now - 1 * day, 0}));
    }
    a.store(old_pass, o);
    a.store(mid_pass, m);
    a.store(new_pass, n);
    EXPECT_EQ(a.count(), 300u);
    EXPECT_EQ(a.apply_retention(now), 0u) << "retention_days 0 keeps everything";
  }
  ArchiveConfig c = config_for(path);
  c.retention_days = 7;
  FrameArchive a(c);  // retention runs at open
  EXPECT_EQ(a.count(), 200u);
  auto passes = a.passes();
  ASSERT_EQ(passes.size(), 2u);
  EXPECT_EQ(passes[0].source, "mid");
  // Two days on, the 5-day-old pass is 7 days old: one second past the cutoff deletes it.
  EXPECT_EQ(a.apply_retention(now + 2 * day + 1), 100u);
  EXPECT_EQ(a.count(), 100u);
  passes = a.passes();
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].source, "new");
  EXPECT_EQ(a.integrity_check(), "ok");
  ArchiveConfig bad = c;
  bad.retention_days = -1;
  EXPECT_THROW(FrameArchive{bad}, std::invalid_argument);
}

TEST(FrameArchive, WriterAppliesRetentionPeriodically) {
  TempDir dir;
  ArchiveConfig c = config_for(dir.file("periodic.db"));
  c.retention_days = 1;
  c.retention_interval = 1s;
  FrameArchive a(c);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t pass = a.begin_pass(PassRecord{0, Timestamp{now - 3 * 86400, 0}, "p", "s", ""});
  FrameBus bus;
  ArchiveWriter w(a, bus, pass);
  for (uint64_t i = 0; i < 50; ++i) bus.publish(make_frame(i, Timestamp{now - 3 * 86400, 0}));
  for (uint64_t i = 50; i < 80; ++i) bus.publish(make_frame(i, Timestamp{now, 0}));
  const auto t0 = std::chrono::steady_clock::now();
  while ((w.acknowledged() < 80 || a.count() != 30) && std::chrono::steady_clock::now() - t0 < 5s)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(w.acknowledged(), 80u);
  EXPECT_EQ(a.count(), 30u) << "old frames stored by the writer were not deleted by its retention";
}

TEST(FrameArchive, WriterAcknowledgesOnlyCommittedFramesInBoundedBatches) {
  TempDir dir;
  const std::string path = dir.file("w.db");
  FrameArchive a(config_for(path));
  const int64_t pass = a.begin_pass(PassRecord{0, kPassStart, "p", "s", ""});
  // An independent connection sees what is committed.
  sqlite3* probe = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &probe, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* cnt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(probe, "SELECT count(*) FROM frames", -1, &cnt, nullptr), SQLITE_OK);
  std::vector<std::size_t> batches;
  uint64_t violations = 0;
  FrameBus bus;
  ArchiveWriterConfig wc;
  wc.batch_frames = 100;
  wc.batch_interval = 20ms;
  {
    ArchiveWriter w(a, bus, pass, wc, [&](uint64_t total, std::size_t n) {
      batches.push_back(n);
      sqlite3_step(cnt);
      if (static_cast<uint64_t>(sqlite3_column_int64(cnt, 0)) < total) ++violations;
      sqlite3_reset(cnt);
    });
    for (uint64_t i = 0; i < 1050; ++i) bus.publish(make_frame(i));
    // A lone frame after a pause is committed within the batch interval, not held back.
    ASSERT_TRUE([&] {
      const auto t0 = std::chrono::steady_clock::now();
      while (w.acknowledged() < 1050 && std::chrono::steady_clock::now() - t0 < 5s) std::this_thread::sleep_for(1ms);
      return w.acknowledged() == 1050;
    }());
    const auto t1 = std::chrono::steady_clock::now();
    bus.publish(make_frame(1050));
    while (w.acknowledged() < 1051 && std::chrono::steady_clock::now() - t1 < 5s) std::this_thread::sleep_for(1ms);
    EXPECT_LT(std::chrono::steady_clock::now() - t1, 1s);
    bus.publish(make_frame(1051));
    bus.close();
    EXPECT_TRUE(w.wait_closed(5s));
    EXPECT_EQ(w.acknowledged(), 1052u);
    EXPECT_EQ(w.failed_commits(), 0u);
    EXPECT_EQ(w.bus_stats().discarded, 0u);
  }
  sqlite3_finalize(cnt);
  sqlite3_close(probe);
  EXPECT_EQ(violations, 0u) << "a frame was acknowledged before it was committed";
  std::size_t sum = 0;
  for (std::size_t n : batches) {
    EXPECT_LE(n, 100u);
    sum += n;
  }
  EXPECT_EQ(sum, 1052u);
  EXPECT_EQ(a.count(), 1052u);
}

TEST(FrameArchive, WriterRetriesWhileAnotherProcessHoldsTheLock) {
  TempDir dir;
  const std::string path = dir.file("busy.db");
  ArchiveConfig c = config_for(path);
  c.busy_timeout = 10ms;
  FrameArchive a(c);
  const int64_t pass = a.begin_pass(PassRecord{0, kPassStart, "p", "s", ""});
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  FrameBus bus;
  ArchiveWriterConfig wc;
  wc.retry_interval = 10ms;
  ArchiveWriter w(a, bus, pass, wc);
  for (uint64_t i = 0; i < 500; ++i) bus.publish(make_frame(i));
  const auto t0 = std::chrono::steady_clock::now();
  while (w.failed_commits() < 3 && std::chrono::steady_clock::now() - t0 < 5s) std::this_thread::sleep_for(5ms);
  EXPECT_GE(w.failed_commits(), 3u);
  EXPECT_EQ(w.acknowledged(), 0u);
  EXPECT_NE(w.last_error().find(path), std::string::npos) << w.last_error();
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  bus.close();
  EXPECT_TRUE(w.wait_closed(5s));
  EXPECT_EQ(w.acknowledged(), 500u);
  EXPECT_EQ(a.count(), 500u);
}

TEST(FrameArchive, RefusesFilesThatAreNotItsArchives) {
  TempDir dir;
  // Another application's SQLite database.
  const std::string foreign = dir.file("foreign.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(foreign.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  std::string e = error_of(config_for(foreign));
  EXPECT_NE(e.find(foreign), std::string::npos) << e;
  EXPECT_NE(e.find("not a groundlink archive"), std::string::npos) << e;
  // A text file.
  const std::string text = dir.file("notes.txt");
  std::ofstream(text) << std::string(4096, 'x') << "\nthis is not a database\n";
  e = error_of(config_for(text));
  EXPECT_NE(e.find(text), std::string::npos) << e;
  EXPECT_NE(e.find("not a groundlink archive"), std::string::npos) << e;
  // An archive written by a newer program.
  const std::string newer = dir.file("newer.db");
  { FrameArchive a(config_for(newer)); }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(newer.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=2", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  e = error_of(config_for(newer));
  EXPECT_NE(e.find(newer), std::string::npos) << e;
  EXPECT_NE(e.find("schema version 2 is newer"), std::string::npos) << e;
  // Ours reopens fine, and the refused files were left untouched.
  const std::string ours = dir.file("ours.db");
  { FrameArchive a(config_for(ours)); }
  EXPECT_EQ(error_of(config_for(ours)), "");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "SELECT x FROM t", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

TEST(FrameArchive, BadPathsGiveErrorsNamingThem) {
  TempDir dir;
  const std::string missing_dir = dir.file("no/such/folder/station.db");
  std::string e = error_of(config_for(missing_dir));
  EXPECT_NE(e.find(missing_dir), std::string::npos) << e;
  EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
  const std::string a_dir = dir.file("");
  e = error_of(config_for(a_dir));
  EXPECT_NE(e.find(a_dir), std::string::npos) << e;
  EXPECT_FALSE(e.empty());
  EXPECT_THROW(FrameArchive{config_for("")}, std::invalid_argument);
}

TEST(FrameArchive, LockedArchiveGivesClearError) {
  TempDir dir;
  const std::string path = dir.file("locked.db");
  { FrameArchive a(config_for(path)); }
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  ArchiveConfig c = config_for(path);
  c.busy_timeout = 50ms;
  const std::string e = error_of(c);
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("lock"), std::string::npos) << e;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(error_of(c), "");
}

TEST(FrameArchive, CorruptArchiveIsReportedNotCrashed) {
  TempDir dir;
  const std::string path = dir.file("corrupt.db");
  {
    FrameArchive a(config_for(path));
    const int64_t pass = a.begin_pass(PassRecord{0, kPassStart, "p", "s", ""});
    std::vector<Frame> frames;
    for (uint64_t i = 0; i < 500; ++i) frames.push_back(make_frame(i));
    a.store(pass, frames);
  }  // closing checkpoints everything into the main file
  ASSERT_FALSE(fs::exists(path + "-wal") && fs::file_size(path + "-wal") > 0);
  const auto size = fs::file_size(path);
  ASSERT_GT(size, 64u * 1024);
  {
    // Keep the header and page 1 (the schema; 16 KiB pages), scribble over b-tree pages after it.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    std::mt19937 rng(7);
    for (std::size_t off = 2 * 16384 + 1000; off + 4096 <= size; off += 16384) {
      std::string junk(512, '\0');
      for (char& ch : junk) ch = static_cast<char>(rng());
      f.seekp(static_cast<std::streamoff>(off));
      f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
  }
  bool reported = false;
  try {
    FrameArchive a(config_for(path));
    const std::string ic = a.integrity_check();
    EXPECT_NE(ic, "ok");
    reported = ic != "ok";
    try {
      a.count();
      a.query(Timestamp{0, 0}, Timestamp{INT64_MAX, 0}, std::nullopt, [](const StoredFrame&) { return true; });
    } catch (const ArchiveError& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  } catch (const ArchiveError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    reported = true;
  }
  EXPECT_TRUE(reported);
}

TEST(FrameArchive, WriterConfigIsValidated) {
  TempDir dir;
  FrameArchive a(config_for(dir.file("v.db")));
  const int64_t pass = a.begin_pass(PassRecord{0, kPassStart, "p", "s", ""});
  FrameBus bus;
  EXPECT_THROW(ArchiveWriter(a, bus, pass + 1), std::invalid_argument);  // no such pass
  ArchiveWriterConfig wc;
  wc.batch_frames = 0;
  try {
    ArchiveWriter w(a, bus, pass, wc);
    FAIL() << "batch_frames 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("batch_frames"), std::string::npos) << e.what();
  }
  wc = {};
  wc.batch_interval = 0ms;
  EXPECT_THROW(ArchiveWriter(a, bus, pass, wc), std::invalid_argument);
  EXPECT_EQ(bus.subscriber_count(), 0u);
}

// Throughput of the archive path (bus -> writer -> SQLite, 1115-byte frames, default batching,
// synchronous=NORMAL and FULL), printed for the record; the test checks completeness only.
TEST(FrameArchive, WriterThroughput) {
  TempDir dir;
  constexpr uint64_t N = 20000;
  std::vector<groundlink::framing::FramePtr> frames;
  for (uint64_t i = 0; i < N; ++i) frames.push_back(std::make_shared<const Frame>(make_frame(i)));
  for (auto sync : {ArchiveConfig::Sync::normal, ArchiveConfig::Sync::full}) {
    ArchiveConfig c = config_for(dir.file(sync == ArchiveConfig::Sync::full ? "full.db" : "normal.db"));
    c.synchronous = sync;
    FrameArchive a(c);
    const int64_t pass = a.begin_pass(PassRecord{0, kPassStart, "p", "s", ""});
    FrameBus bus;
    ArchiveWriter w(a, bus, pass);
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& f : frames) bus.publish(f);
    bus.close();
    ASSERT_TRUE(w.wait_closed(60s));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(w.acknowledged(), N);
    EXPECT_EQ(a.count(), N);
    std::cout << "[ archive  ] synchronous=" << (sync == ArchiveConfig::Sync::full ? "FULL  " : "NORMAL")
              << ": " << N << " frames of " << kFrameLen << " B in " << s << " s = "
              << static_cast<uint64_t>(N / s) << " frames/s ("
              << static_cast<uint64_t>(N * kFrameLen * 8 / s / 1e6) << " Mbit/s)\n";
  }
}

// The schema's indexes serve the queries the archive makes: range in ERT order, GVCID + range,
// and retention, without a full scan or a sort.
TEST(FrameArchive, IndexesServeRangeGvcidAndRetentionQueries) {
  TempDir dir;
  const std::string path = dir.file("plan.db");
  { FrameArchive a(config_for(path)); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  auto plan = [&](const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &s, nullptr), SQLITE_OK) << sql;
    std::string out;
    while (sqlite3_step(s) == SQLITE_ROW) out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 3))) + "\n";
    sqlite3_finalize(s);
    return out;
  };
  const std::string order = " ORDER BY ert_s, ert_ps, pass_id, sequence";
  std::string p = plan("SELECT data FROM frames WHERE (ert_s, ert_ps) >= (1, 2) AND (ert_s, ert_ps) < (3, 4)" + order);
  EXPECT_NE(p.find("USING INDEX frames_by_ert"), std::string::npos) << p;
  EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << p;
  p = plan("SELECT data FROM frames WHERE tfvn = 0 AND scid = 42 AND vcid = 1 AND (ert_s, ert_ps) >= (1, 2) "
           "AND (ert_s, ert_ps) < (3, 4)" + order);
  EXPECT_NE(p.find("USING INDEX frames_by_gvcid"), std::string::npos) << p;
  EXPECT_EQ(p.find("TEMP B-TREE"), std::string::npos) << p;
  p = plan("SELECT id FROM frames WHERE ert_s < 5 LIMIT 10000");
  EXPECT_NE(p.find("frames_by_ert"), std::string::npos) << p;
  sqlite3_close(db);
}
