#include "sle/provider.h"

#include <spdlog/spdlog.h>

#include <map>
#include <thread>

#include "sle/provider_session.h"

namespace groundlink::sle {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// Accepts associations on one TCP port and re-arms (Beast listener pattern); every session gets
/// its own strand.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(std::shared_ptr<SleProvider::Core> core, tcp::endpoint ep, std::vector<InstanceState*> instances)
      : core_(std::move(core)), acceptor_(asio::make_strand(core_->ioc)), instances_(std::move(instances)) {
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void run() { accept(); }
  void stop() {
    asio::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(core_->ioc), [self = shared_from_this()](boost::system::error_code ec,
                                                                                       tcp::socket sock) {
      if (ec) {
        if (ec != asio::error::operation_aborted) spdlog::warn("SLE: accept failed: {}", ec.message());
        if (!self->acceptor_.is_open()) return;
      } else if (!self->core_->stopping) {
        auto s = std::make_shared<ProviderSession>(std::move(sock), self->core_, self->instances_,
                                                   self->instances_.front()->cfg.tml);
        {
          std::lock_guard<std::mutex> lk(self->core_->mu);
          auto& v = self->core_->sessions;
          v.erase(std::remove_if(v.begin(), v.end(), [](const auto& w) { return w.expired(); }), v.end());
          v.push_back(s);
        }
        s->start();
      }
      self->accept();
    });
  }

  std::shared_ptr<SleProvider::Core> core_;
  tcp::acceptor acceptor_;
  std::vector<InstanceState*> instances_;
};

SleProvider::SleProvider(ProviderConfig config) : core_(std::make_shared<Core>()) {
  config.validate();
  core_->config = std::move(config);
  for (const auto& ic : core_->config.instances) {
    auto st = std::make_unique<InstanceState>();
    st->cfg = ic;
    st->sii = ServiceInstanceId::parse(ic.sii);
    core_->instances.push_back(std::move(st));
  }
}

SleProvider::~SleProvider() { stop(); }

void SleProvider::start() {
  std::lock_guard<std::mutex> lk(core_->run_mu);
  Core& rt = *core_;
  if (!rt.threads.empty()) return;
  core_->stopping = false;
  core_->ioc.restart();
  // One listener per (host, port); instances configured on the same port share it (the SII in
  // BIND selects the instance).
  std::map<std::pair<std::string, uint16_t>, std::vector<InstanceState*>> groups;
  for (auto& st : core_->instances) groups[{st->cfg.host, st->cfg.port}].push_back(st.get());
  for (auto& [key, insts] : groups) {
    tcp::endpoint ep(asio::ip::make_address(key.first), key.second);
    auto l = std::make_shared<Listener>(core_, ep, insts);
    for (auto* st : insts) st->bound_port = l->port();
    spdlog::info("SLE: listening on {}:{} for {} service instance(s)", key.first, l->port(), insts.size());
    l->run();
    rt.listeners.push_back(l);
  }
  rt.work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(core_->ioc.get_executor());
  for (int i = 0; i < core_->config.io_threads; ++i) {
    core_->running_threads++;
    rt.threads.emplace_back([c = core_.get()] {
      c->ioc.run();
      c->running_threads--;
    });
  }
}

void SleProvider::stop() {
  std::lock_guard<std::mutex> run_lock(core_->run_mu);
  Core& rt = *core_;
  if (rt.threads.empty()) return;
  core_->stopping = true;
  for (auto& l : rt.listeners) l->stop();
  std::vector<std::shared_ptr<ProviderSession>> sessions;
  {
    std::lock_guard<std::mutex> lk(core_->mu);
    for (auto& w : core_->sessions)
      if (auto s = w.lock()) sessions.push_back(s);
    core_->sessions.clear();
  }
  std::vector<std::weak_ptr<ProviderSession>> closing(sessions.begin(), sessions.end());
  for (auto& s : sessions) s->abort(PeerAbortDiagnostic::end_of_service_provision_period);
  sessions.clear();
  // Let the aborts go out (they close within the 1 s linger), then stop the threads.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < deadline) {
    bool any = core_->offline_workers > 0;
    {
      std::lock_guard<std::mutex> lk(core_->mu);
      for (auto& st : core_->instances) any = any || st->bound;
    }
    if (!any) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Close what is left (cancels every timer and socket operation) so that the I/O threads run out
  // of work; pending handlers hold sessions, and sessions hold the core.
  {
    std::lock_guard<std::mutex> lk(core_->mu);
    for (auto& w : closing)
      if (auto s = w.lock()) s->close();
  }
  rt.work.reset();
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (core_->running_threads > 0 && std::chrono::steady_clock::now() < drain_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  core_->ioc.stop();
  for (auto& t : rt.threads) t.join();
  // Destroy the handlers still queued (and the sessions they hold).
  core_->ioc.restart();
  core_->ioc.poll();
  rt.threads.clear();
  rt.listeners.clear();
  std::atomic_store(&core_->active, std::shared_ptr<const std::vector<std::shared_ptr<ProviderSession>>>(
                                        std::make_shared<std::vector<std::shared_ptr<ProviderSession>>>()));
}

uint16_t SleProvider::port(const std::string& sii) const {
  const ServiceInstanceId id = ServiceInstanceId::parse(sii);
  for (const auto& st : core_->instances)
    if (st->sii == id) return st->bound_port;
  throw std::invalid_argument("no service instance " + sii);
}

namespace {
// The frame's Earth-receive time; an unset (zero) one means "now". Works with both forms of
// framing::Frame: `Timestamp ert` (seconds + picoseconds) and the older `int64_t ert_ps`.
template <class F>
auto frame_ert(const F& f, int) -> decltype(f.ert.seconds, f.ert.picoseconds, SleTime()) {
  if (f.ert.seconds == 0 && f.ert.picoseconds == 0) return SleTime::now();
  return SleTime{static_cast<int64_t>(f.ert.seconds) * 1000000000LL + f.ert.picoseconds / 1000,
                 static_cast<int32_t>(f.ert.picoseconds % 1000), true};
}
template <class F>
SleTime frame_ert(const F& f, long) {
  if (f.ert_ps == 0) return SleTime::now();
  return SleTime{f.ert_ps / 1000, static_cast<int32_t>(f.ert_ps % 1000), true};
}
}  // namespace

void SleProvider::deliver(const framing::Frame& frame) { deliver(frame, frame_ert(frame, 0)); }

void SleProvider::deliver(const framing::Frame& frame, const SleTime& ert) {
  const auto active = std::atomic_load(&core_->active);
  for (const auto& s : *active) s->offer(frame, ert);
}

void SleProvider::end_of_data() {
  const auto active = std::atomic_load(&core_->active);
  for (const auto& s : *active) s->offer_end_of_data();
}

void SleProvider::set_link_status(const LinkStatus& s) {
  const int old_sync = core_->frame_sync.exchange(s.frame_sync);
  const int old_production = core_->production.exchange(s.production);
  core_->symbol_sync = s.symbol_sync;
  core_->subcarrier = s.subcarrier;
  core_->carrier = s.carrier;
  std::vector<SyncNotification> notes;
  if (old_sync == 0 && s.frame_sync != 0) {
    SyncNotification n;
    n.kind = SyncNotification::Kind::loss_frame_sync;
    n.time = SleTime::now();
    n.carrier = s.carrier;
    n.subcarrier = s.subcarrier;
    n.symbol_sync = s.symbol_sync;
    notes.push_back(n);
  }
  if (old_production != s.production) {
    SyncNotification n;
    n.kind = SyncNotification::Kind::production_status_change;
    n.production = s.production;
    notes.push_back(n);
  }
  if (notes.empty()) return;
  const auto active = std::atomic_load(&core_->active);
  for (const auto& sess : *active)
    for (const auto& n : notes) sess->offer_notification(n);
}

void SleProvider::set_frame_store(std::shared_ptr<FrameStore> store) {
  std::lock_guard<std::mutex> lk(core_->mu);
  core_->store = std::move(store);
}

void SleProvider::set_cltu_sink(std::function<bool(const CltuRequest&)> sink) {
  std::lock_guard<std::mutex> lk(core_->mu);
  core_->cltu_sink = std::move(sink);
}

InstanceStats SleProvider::stats(const std::string& sii) const {
  const ServiceInstanceId id = ServiceInstanceId::parse(sii);
  for (const auto& st : core_->instances) {
    if (!(st->sii == id)) continue;
    InstanceStats s;
    {
      std::lock_guard<std::mutex> lk(core_->mu);
      s.bound = st->bound;
    }
    s.started = st->started;
    s.frames_delivered = st->frames_delivered;
    s.frames_discarded = st->frames_discarded;
    s.buffers_sent = st->buffers_sent;
    s.associations = st->associations;
    s.starts = st->starts;
    s.aborts = st->aborts;
    s.cltus_received = st->cltus_received;
    s.cltus_accepted = st->cltus_accepted;
    std::lock_guard<std::mutex> lk(core_->mu);
    for (const auto& w : core_->sessions)
      if (auto sess = w.lock(); sess && sess->bound_si.load() == st.get()) sess->queued(s.queued_bytes, s.queued_buffers);
    return s;
  }
  throw std::invalid_argument("no service instance " + sii);
}

}  // namespace groundlink::sle
