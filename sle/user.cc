#include "sle/user.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "sle/credentials.h"
#include "sle/tml_endpoint.h"

namespace groundlink::sle {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

class UserConnection : public TmlEndpoint {
 public:
  UserConnection(Socket s, TmlSettings t, SleUser::Impl* owner) : TmlEndpoint(std::move(s), Role::initiator, t), owner_(owner) {}
  void detach() { owner_ = nullptr; }

 protected:
  void on_pdu(const uint8_t* p, size_t n) override;
  void on_closed(const std::string& reason, int abort_diag) override;

 private:
  SleUser::Impl* owner_;
};

}  // namespace

struct SleUser::Impl {
  UserConfig cfg;
  asio::io_context ioc;
  std::thread thread;
  std::shared_ptr<UserConnection> conn;
  int64_t next_invoke_id = 1;

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::optional<Pdu> pending;     // the return being waited for
  bool waiting = false;
  bool closed = false;
  int abort_diag = -1;
  std::string close_reason;
  UserStats stats;
  std::optional<StatusReport> last_report;
  std::function<void(const AnnotatedFrame&)> frame_cb;
  std::function<void(const SyncNotification&)> notify_cb;

  Credentials creds(bool bind_op) const {
    if (cfg.auth == AuthMode::none || (cfg.auth == AuthMode::bind && !bind_op)) return {};
    return encode_isp1_credentials(
        make_credentials(cfg.hash ? *cfg.hash : hash_for_version(cfg.version), cfg.initiator_id, cfg.password, SleTime::now()));
  }

  /// Counts the frames of a TRANSFER-BUFFER without copying them (no frame callback set); every
  /// length is still checked and notifications are decoded. Returns false when it is not one.
  bool count_transfer_buffer(const uint8_t* p, size_t n) {
    const Tlv outer = ber_parse(p, n);
    if (!outer.ctx(op::kTransferBuffer) || !outer.constructed || outer.total != n) return false;
    uint64_t frames = 0, bytes = 0, notes = 0, backlog = 0, eod = 0;
    BerReader r(outer);
    while (!r.at_end()) {
      const uint8_t* item_start = outer.data + (outer.length - r.remaining());
      const Tlv item = r.read();
      if (item.ctx(0) && item.constructed) {
        // The data OCTET STRING is the last element of the annotated frame.
        BerReader in(item, 2);
        Tlv last;
        while (!in.at_end()) last = in.read();
        if (!last.universal(tag::kOctetString)) throw BerError("annotated frame without data");
        ++frames;
        bytes += last.length;
      } else if (item.ctx(1) && item.constructed) {
        ++notes;
        std::vector<uint8_t> one;
        BerWriter w(one);
        w.begin(TagClass::context, op::kTransferBuffer);
        w.raw(item_start, item.total);
        w.end();
        const auto tb = std::get<TransferBuffer>(decode_pdu(one.data(), one.size(), cfg.service, cfg.version));
        const auto& s = std::get<SyncNotification>(tb.items.at(0));
        backlog += s.kind == SyncNotification::Kind::excessive_data_backlog;
        eod += s.kind == SyncNotification::Kind::end_of_data;
      } else {
        throw BerError("bad FrameOrNotification");
      }
    }
    std::lock_guard<std::mutex> lk(mu);
    stats.frames += frames;
    stats.bytes += bytes;
    stats.buffers++;
    stats.notifications += notes;
    stats.backlog_notifications += backlog;
    stats.end_of_data += eod;
    cv.notify_all();
    return true;
  }

  void handle_pdu(const uint8_t* p, size_t n) {
    bool plain;
    {
      std::lock_guard<std::mutex> lk(mu);
      plain = !frame_cb && !notify_cb;
    }
    if (plain) {
      try {
        if (count_transfer_buffer(p, n)) return;
      } catch (const BerError& e) {
        spdlog::warn("SLE user: undecodable TRANSFER-BUFFER ({})", e.what());
        conn->abort(PeerAbortDiagnostic::encoding_error);
        return;
      }
    }
    Pdu pdu;
    try {
      pdu = decode_pdu(p, n, cfg.service, cfg.version);
    } catch (const BerError& e) {
      spdlog::warn("SLE user: undecodable PDU from the provider ({})", e.what());
      conn->abort(PeerAbortDiagnostic::encoding_error);
      return;
    }
    if (auto* tb = std::get_if<TransferBuffer>(&pdu)) {
      std::function<void(const AnnotatedFrame&)> fcb;
      std::function<void(const SyncNotification&)> ncb;
      {
        std::lock_guard<std::mutex> lk(mu);
        fcb = frame_cb;
        ncb = notify_cb;
      }
      uint64_t frames = 0, bytes = 0, notes = 0, backlog = 0, eod = 0;
      for (const auto& it : tb->items) {
        if (auto* f = std::get_if<AnnotatedFrame>(&it)) {
          ++frames;
          bytes += f->data.size();
          if (fcb) fcb(*f);
        } else {
          const auto& s = std::get<SyncNotification>(it);
          ++notes;
          backlog += s.kind == SyncNotification::Kind::excessive_data_backlog;
          eod += s.kind == SyncNotification::Kind::end_of_data;
          if (ncb) ncb(s);
        }
      }
      std::lock_guard<std::mutex> lk(mu);
      stats.frames += frames;
      stats.bytes += bytes;
      stats.buffers++;
      stats.notifications += notes;
      stats.backlog_notifications += backlog;
      stats.end_of_data += eod;
      cv.notify_all();
      return;
    }
    if (std::holds_alternative<CltuAsyncNotify>(pdu) || std::holds_alternative<CltuStatusReport>(pdu)) {
      std::lock_guard<std::mutex> lk(mu);
      if (std::holds_alternative<CltuAsyncNotify>(pdu)) stats.async_notifies++;
      else stats.status_reports++;
      cv.notify_all();
      return;
    }
    if (auto* sr = std::get_if<StatusReport>(&pdu)) {
      std::lock_guard<std::mutex> lk(mu);
      last_report = *sr;
      stats.status_reports++;
      cv.notify_all();
      return;
    }
    // Check the provider's credentials on returns when configured.
    if (!cfg.responder_password.empty() && cfg.auth != AuthMode::none) {
      const bool bind_ret = std::holds_alternative<BindReturn>(pdu);
      if (bind_ret || cfg.auth == AuthMode::all) {
        const Credentials c = std::visit(
            [](const auto& x) -> Credentials {
              if constexpr (std::is_same_v<std::decay_t<decltype(x)>, PeerAbortPdu> ||
                            std::is_same_v<std::decay_t<decltype(x)>, TransferBuffer>)
                return {};
              else
                return x.credentials;
            },
            pdu);
        const auto st = c.empty() ? CredentialStatus::malformed
                                  : check_credentials(c, cfg.responder_id, cfg.responder_password, cfg.version,
                                                      SleTime::now(), cfg.max_credential_age_s);
        if (st != CredentialStatus::ok) {
          spdlog::warn("SLE user: {} with {} credentials", pdu_name(pdu), to_string(st));
          conn->abort(PeerAbortDiagnostic::access_denied);
          return;
        }
      }
    }
    std::lock_guard<std::mutex> lk(mu);
    if (!waiting) {
      spdlog::warn("SLE user: unsolicited {}", pdu_name(pdu));
      return;
    }
    pending = std::move(pdu);
    cv.notify_all();
  }

  void handle_closed(const std::string& reason, int diag) {
    std::lock_guard<std::mutex> lk(mu);
    closed = true;
    abort_diag = diag;
    close_reason = reason;
    cv.notify_all();
  }

  Pdu invoke(const Pdu& inv, const char* what) {
    std::unique_lock<std::mutex> lk(mu);
    if (!conn || closed) throw SleUserError(std::string(what) + ": not connected" + (close_reason.empty() ? "" : " (" + close_reason + ")"));
    pending.reset();
    waiting = true;
    lk.unlock();
    conn->send_pdu(encode_pdu(inv, cfg.service, cfg.version));
    lk.lock();
    const bool got = cv.wait_for(lk, std::chrono::milliseconds(cfg.return_timeout_ms),
                                 [&] { return pending.has_value() || closed; });
    waiting = false;
    if (pending) {
      Pdu p = std::move(*pending);
      pending.reset();
      return p;
    }
    if (!got) throw SleUserError(std::string(what) + ": no return within the timeout");
    throw SleUserError(std::string(what) + ": association closed (" + close_reason + ")" +
                       (abort_diag >= 0 ? std::string(", PEER-ABORT ") + to_string(static_cast<PeerAbortDiagnostic>(abort_diag)) : ""));
  }

  template <class T>
  T expect(Pdu&& p, const char* what) {
    if (auto* r = std::get_if<T>(&p)) return std::move(*r);
    throw SleUserError(std::string(what) + ": unexpected " + pdu_name(p));
  }
};

void UserConnection::on_pdu(const uint8_t* p, size_t n) {
  if (owner_) owner_->handle_pdu(p, n);
}
void UserConnection::on_closed(const std::string& reason, int abort_diag) {
  if (owner_) owner_->handle_closed(reason, abort_diag);
}

SleUser::SleUser(UserConfig config) : impl_(std::make_shared<Impl>()) {
  impl_->cfg = std::move(config);
  ServiceInstanceId::parse(impl_->cfg.sii);
  if (impl_->cfg.version < 1 || impl_->cfg.version > 5) throw std::invalid_argument("version outside 1..5");
}

SleUser::~SleUser() {
  if (impl_->conn) {
    impl_->conn->close();
  }
  if (impl_->thread.joinable()) {
    // Let the close run, then stop.
    std::unique_lock<std::mutex> lk(impl_->mu);
    impl_->cv.wait_for(lk, std::chrono::seconds(2), [&] { return impl_->closed; });
    lk.unlock();
    impl_->ioc.stop();
    impl_->thread.join();
  }
  if (impl_->conn) impl_->conn->detach();
}

void SleUser::on_frame(std::function<void(const AnnotatedFrame&)> cb) {
  std::lock_guard<std::mutex> lk(impl_->mu);
  impl_->frame_cb = std::move(cb);
}
void SleUser::on_notification(std::function<void(const SyncNotification&)> cb) {
  std::lock_guard<std::mutex> lk(impl_->mu);
  impl_->notify_cb = std::move(cb);
}

BindReturn SleUser::bind() {
  auto& I = *impl_;
  if (I.conn) throw SleUserError("BIND: already connected");
  tcp::socket sock(asio::make_strand(I.ioc));
  boost::system::error_code ec;
  tcp::resolver res(I.ioc);
  const auto eps = res.resolve(I.cfg.host, std::to_string(I.cfg.port), ec);
  if (ec) throw SleUserError("resolve " + I.cfg.host + ": " + ec.message());
  asio::connect(sock, eps, ec);
  if (ec) throw SleUserError("connect " + I.cfg.host + ":" + std::to_string(I.cfg.port) + ": " + ec.message());
  TmlSettings t;
  t.heartbeat_s = I.cfg.heartbeat_s;
  t.dead_factor = I.cfg.dead_factor;
  I.conn = std::make_shared<UserConnection>(std::move(sock), t, &I);
  I.conn->start();
  I.thread = std::thread([&I] { I.ioc.run(); });
  BindInvocation b;
  b.credentials = I.creds(true);
  b.initiator = I.cfg.initiator_id;
  b.responder_port = I.cfg.responder_port;
  b.service_type = static_cast<int>(I.cfg.service);
  b.version = I.cfg.version;
  b.sii = ServiceInstanceId::parse(I.cfg.sii);
  BindReturn r = I.expect<BindReturn>(I.invoke(b, "BIND"), "BIND");
  if (r.positive && !I.cfg.responder_id.empty() && r.responder != I.cfg.responder_id) {
    I.conn->abort(PeerAbortDiagnostic::unexpected_responder_id);
    throw SleUserError("BIND: unexpected responder id '" + r.responder + "'");
  }
  return r;
}

StartReturn SleUser::start(RequestedFrameQuality quality, std::optional<SleTime> from, std::optional<SleTime> to) {
  StartInvocation s;
  s.credentials = impl_->creds(false);
  s.invoke_id = impl_->next_invoke_id++;
  s.start_time = from;
  s.stop_time = to;
  s.requested_quality = static_cast<int>(quality);
  return impl_->expect<StartReturn>(impl_->invoke(s, "START"), "START");
}

StartReturn SleUser::start_rcf(const RequestedGvcid& gvcid) {
  StartInvocation s;
  s.credentials = impl_->creds(false);
  s.invoke_id = impl_->next_invoke_id++;
  s.gvcid = gvcid;
  return impl_->expect<StartReturn>(impl_->invoke(s, "START"), "START");
}

StopReturn SleUser::stop() {
  StopInvocation s;
  s.credentials = impl_->creds(false);
  s.invoke_id = impl_->next_invoke_id++;
  return impl_->expect<StopReturn>(impl_->invoke(s, "STOP"), "STOP");
}

GetParameterReturn SleUser::get_parameter(int parameter) {
  GetParameterInvocation g;
  g.credentials = impl_->creds(false);
  g.invoke_id = impl_->next_invoke_id++;
  g.parameter = parameter;
  return impl_->expect<GetParameterReturn>(impl_->invoke(g, "GET-PARAMETER"), "GET-PARAMETER");
}

ScheduleStatusReportReturn SleUser::schedule_status_report(ScheduleStatusReportInvocation::Kind kind, int cycle_s) {
  ScheduleStatusReportInvocation s;
  s.credentials = impl_->creds(false);
  s.invoke_id = impl_->next_invoke_id++;
  s.kind = kind;
  s.cycle_s = cycle_s;
  return impl_->expect<ScheduleStatusReportReturn>(impl_->invoke(s, "SCHEDULE-STATUS-REPORT"), "SCHEDULE-STATUS-REPORT");
}

UnbindReturn SleUser::unbind(int reason) {
  UnbindInvocation u;
  u.credentials = impl_->creds(false);
  u.reason = reason;
  return impl_->expect<UnbindReturn>(impl_->invoke(u, "UNBIND"), "UNBIND");
}

StartReturn SleUser::start_cltu(int64_t first_cltu_id) {
  StartInvocation s;
  s.credentials = impl_->creds(false);
  s.invoke_id = impl_->next_invoke_id++;
  s.first_cltu_id = first_cltu_id;
  return impl_->expect<StartReturn>(impl_->invoke(s, "START"), "START");
}

CltuTransferDataReturn SleUser::transfer_cltu(int64_t cltu_id, const std::vector<uint8_t>& cltu, bool notify,
                                              int64_t delay_us) {
  CltuTransferData t;
  t.credentials = impl_->creds(false);
  t.invoke_id = impl_->next_invoke_id++;
  t.cltu_id = cltu_id;
  t.delay_us = delay_us;
  t.notification = notify ? 0 : 1;
  t.data = cltu;
  return impl_->expect<CltuTransferDataReturn>(impl_->invoke(t, "TRANSFER-DATA"), "TRANSFER-DATA");
}

ThrowEventReturn SleUser::throw_event(int64_t event_invocation_id, int64_t event_id,
                                      const std::vector<uint8_t>& qualifier) {
  ThrowEventInvocation t;
  t.credentials = impl_->creds(false);
  t.invoke_id = impl_->next_invoke_id++;
  t.event_invocation_id = event_invocation_id;
  t.event_id = event_id;
  t.qualifier = qualifier;
  return impl_->expect<ThrowEventReturn>(impl_->invoke(t, "THROW-EVENT"), "THROW-EVENT");
}

void SleUser::peer_abort(PeerAbortDiagnostic diag) {
  if (impl_->conn) impl_->conn->abort(diag);
}

UserStats SleUser::stats() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->stats;
}

std::optional<StatusReport> SleUser::last_status_report() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->last_report;
}

bool SleUser::wait_frames(uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lk(impl_->mu);
  return impl_->cv.wait_for(lk, timeout, [&] { return impl_->stats.frames >= n || impl_->closed; }) &&
         impl_->stats.frames >= n;
}

int SleUser::wait_closed(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lk(impl_->mu);
  impl_->cv.wait_for(lk, timeout, [&] { return impl_->closed; });
  return impl_->closed ? impl_->abort_diag : -2;
}

bool SleUser::connected() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->conn && !impl_->closed;
}

}  // namespace groundlink::sle
