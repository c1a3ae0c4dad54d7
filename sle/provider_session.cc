#include "sle/provider_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "sle/cltu.h"

namespace groundlink::sle {

namespace asio = boost::asio;

void SleProvider::Core::set_active(const std::shared_ptr<ProviderSession>& s, bool on) {
  std::lock_guard<std::mutex> lk(mu);
  auto next = std::make_shared<std::vector<std::shared_ptr<ProviderSession>>>(*std::atomic_load(&active));
  next->erase(std::remove(next->begin(), next->end(), s), next->end());
  if (on) next->push_back(s);
  std::atomic_store(&active, std::shared_ptr<const std::vector<std::shared_ptr<ProviderSession>>>(std::move(next)));
}

ProviderSession::ProviderSession(Socket socket, std::shared_ptr<SleProvider::Core> core,
                                 std::vector<InstanceState*> candidates, const TmlSettings& tml)
    : TmlEndpoint(std::move(socket), Role::responder, tml),
      core_(std::move(core)),
      candidates_(std::move(candidates)),
      report_timer_(executor()),
      latency_timer_(executor()) {}

ProviderSession::~ProviderSession() = default;

// ---------------------------------------------------------------- data path (any thread)

bool ProviderSession::passes_filter(const framing::Frame& f) const {
  if (service_ == ServiceType::rtn_all_frames) {
    // RequestedFrameQuality (911.1-B §3.4.2.4): goodFramesOnly, erredFramesOnly, allFrames.
    if (requested_quality_ == 0) return f.quality == framing::FrameQuality::good;
    if (requested_quality_ == 1) return f.quality == framing::FrameQuality::erred;
    return true;
  }
  // RCF delivers good frames of the selected master or virtual channel only (911.2-B §2.2).
  if (f.quality != framing::FrameQuality::good) return false;
  if (f.gvcid.tfvn != gvcid_.tfvn || f.gvcid.scid != gvcid_.scid) return false;
  return gvcid_.master_channel || f.gvcid.vcid == gvcid_.vcid;
}

void ProviderSession::recycle(std::vector<uint8_t>&& buf) {
  if (buf.capacity() < 4096) return;
  std::lock_guard<std::mutex> lk(mu_);
  if (pool_.size() < 8) pool_.push_back(std::move(buf));
}

void ProviderSession::begin_tb_locked() {
  if (!pool_.empty()) {
    cur_ = std::move(pool_.back());
    pool_.pop_back();
  } else {
    cur_.reserve(static_cast<size_t>(cfg_->buffer_size) * 1200 + 64);
  }
  cur_.assign(kTmlHeaderSize, 0);
  w_.begin(TagClass::context, op::kTransferBuffer, static_cast<size_t>(cfg_->buffer_size) * 1200);
  if (backlog_notify_) {
    // 911.1-B §3.6.2.5: tell the user that data were discarded because of the backlog.
    SyncNotification n;
    n.kind = SyncNotification::Kind::excessive_data_backlog;
    if (cfg_->auth == AuthMode::all) n.credentials = our_credentials(false);
    encode_sync_notification(w_, n, version_);
    backlog_notify_ = false;
  }
  ++tb_seq_;
  arm_latency(tb_seq_);
}

void ProviderSession::finish_tb_locked() {
  w_.end();
  tml_put_header(cur_.data(), TmlType::pdu, static_cast<uint32_t>(cur_.size() - kTmlHeaderSize));
  out_.push_back({std::move(cur_), std::max(cur_frames_, 1), cur_notify_});
  cur_ = {};
  cur_frames_ = 0;
  cur_notify_ = false;
  si_->buffers_sent++;
  if (cfg_->delivery == DeliveryMode::timely_online) {
    // Timely online (911.1-B §2.4.2.2): the user's backlog is bounded; the oldest buffers are
    // discarded and an excessive-data-backlog notification is sent with the next buffer. Buffers
    // carrying loss-of-sync, production-status or end-of-data notifications are kept: the user
    // must learn of those (they are rare, so the bound holds).
    size_t queued = 0;
    for (const auto& m : out_) queued += m.frames > 0 && !m.notify;
    while (queued > static_cast<size_t>(cfg_->max_backlog_buffers)) {
      auto it = std::find_if(out_.begin(), out_.end(), [](const OutMsg& m) { return m.frames > 0 && !m.notify; });
      si_->frames_discarded += static_cast<uint64_t>(it->frames);
      out_.erase(it);
      --queued;
      backlog_notify_ = true;
    }
  }
}

void ProviderSession::arm_latency(uint64_t seq) {
  asio::post(executor(), [s = self(), seq] {
    s->latency_timer_.expires_after(std::chrono::milliseconds(s->cfg_->latency_limit_ms));
    s->latency_timer_.async_wait([s, seq](boost::system::error_code ec) {
      if (ec) return;
      {
        std::lock_guard<std::mutex> lk(s->mu_);
        if (s->tb_seq_ != seq || s->cur_frames_ == 0 || s->state_ != active) return;
        s->finish_tb_locked();
      }
      s->kick();
    });
  });
}

void ProviderSession::offer(const framing::Frame& f, const SleTime& ert) {
  if (state_.load(std::memory_order_acquire) != active || !passes_filter(f)) return;
  {
    std::unique_lock<std::mutex> lk(mu_);
    if (cfg_->delivery != DeliveryMode::timely_online) {
      // Complete online / offline: no loss — the producer waits for the user (backpressure).
      cv_.wait(lk, [&] {
        return out_.size() < static_cast<size_t>(cfg_->max_backlog_buffers) || state_ != active;
      });
    }
    if (state_ != active) return;
    if (cur_frames_ == 0) begin_tb_locked();
    meta_.ert = ert;
    meta_.ert.pico = version_ >= 3;
    meta_.quality = static_cast<int>(f.quality);
    meta_.continuity = f.frames_missing > 0 ? static_cast<int>(std::min<uint32_t>(f.frames_missing, 16777215))
                                            : (f.continuity_ok ? 0 : -1);
    if (cfg_->auth == AuthMode::all) meta_.credentials = our_credentials(false);
    encode_annotated_frame(w_, meta_, f.data.data(), f.data.size(), service_, version_);
    ++cur_frames_;
    ++delivered_;
    if (f.quality == framing::FrameQuality::good) ++error_free_;
    si_->frames_delivered++;
    if (cur_frames_ < cfg_->buffer_size) return;
    finish_tb_locked();
  }
  kick();
}

void ProviderSession::offer_end_of_data() {
  SyncNotification n;
  n.kind = SyncNotification::Kind::end_of_data;
  offer_notification(n);
}

void ProviderSession::offer_notification(SyncNotification n) {
  if (state_ != active) return;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (state_ != active) return;
    if (cur_frames_ == 0) begin_tb_locked();
    if (cfg_->auth == AuthMode::all) n.credentials = our_credentials(false);
    encode_sync_notification(w_, n, version_);
    // A notification goes out at once, with the frames before it (911.1-B §3.6.2.3).
    cur_notify_ = true;
    finish_tb_locked();
  }
  kick();
}

void ProviderSession::queued(uint64_t& bytes, uint64_t& buffers) {
  std::lock_guard<std::mutex> lk(mu_);
  for (const auto& m : out_) {
    bytes += m.bytes.size();
    buffers += m.frames > 0;
  }
  bytes += bytes_in_flight();
  buffers += messages_in_flight();
}

void ProviderSession::pull(std::vector<std::vector<uint8_t>>& out) {
  std::lock_guard<std::mutex> lk(mu_);
  size_t bytes = 0;
  while (!out_.empty() && out.size() < 256 && bytes < (8u << 20)) {
    bytes += out_.front().bytes.size();
    if (out_.front().frames == 0) --pending_returns_;
    out.push_back(std::move(out_.front().bytes));
    out_.pop_front();
  }
  cv_.notify_all();
}

// ---------------------------------------------------------------- operations (strand)

Credentials ProviderSession::our_credentials(bool for_bind) {
  if (!cfg_ || cfg_->auth == AuthMode::none || (cfg_->auth == AuthMode::bind && !for_bind)) return {};
  // Answer in the hash the peer uses (or is configured to use): a v5 peer sending SHA-1 checks
  // our credentials with SHA-1 too.
  return encode_isp1_credentials(
      make_credentials(peer_hash_ ? *peer_hash_ : hash_for_version(version_), cfg_->responder_id, cfg_->responder_password, SleTime::now()));
}

bool ProviderSession::check_invoker(const Credentials& c) {
  if (cfg_->auth != AuthMode::all) return true;
  HashAlgorithm used = HashAlgorithm::sha1;
  const CredentialStatus st =
      c.empty() ? CredentialStatus::malformed
                : check_credentials(c, user_.id, user_.password, version_, SleTime::now(), cfg_->max_credential_age_s,
                                    &used);
  if (st == CredentialStatus::ok && (!peer_hash_ || used == *peer_hash_)) return true;
  spdlog::warn("SLE {}: invocation from {} with {} credentials", si_->cfg.sii, user_.id, to_string(st));
  abort(PeerAbortDiagnostic::access_denied);
  return false;
}

void ProviderSession::reply(const Pdu& pdu) {
  if (ending()) return;
  std::vector<uint8_t> m(kTmlHeaderSize);
  try {
    encode_pdu(pdu, service_, version_ ? version_ : 5, m);
  } catch (const std::invalid_argument& e) {
    // A value this version cannot carry: a provider bug, but the association must not take the
    // I/O thread down with it.
    spdlog::error("SLE: cannot encode {} for version {}: {}", pdu_name(pdu), version_, e.what());
    abort(PeerAbortDiagnostic::other_reason);
    return;
  }
  tml_put_header(m.data(), TmlType::pdu, static_cast<uint32_t>(m.size() - kTmlHeaderSize));
  bool too_many = false;
  {
    std::lock_guard<std::mutex> lk(mu_);
    out_.push_back({std::move(m), 0});
    // Returns are never discarded; a user that keeps invoking without reading them would make
    // them pile up without bound, so it is cut off.
    too_many = ++pending_returns_ > kMaxPendingReturns;
  }
  if (too_many) {
    spdlog::warn("SLE {}: '{}' does not read its returns ({} pending): aborting", cfg_ ? cfg_->sii : "?", user_.id,
                 kMaxPendingReturns);
    abort(PeerAbortDiagnostic::other_reason);
    return;
  }
  kick();
}

void ProviderSession::on_pdu(const uint8_t* p, size_t n) {
  if (state_ == closed) return;
  ServiceType decode_as = service_;
  if (state_ == unbound) decode_as = candidates_.empty() ? ServiceType::rtn_all_frames : candidates_.front()->cfg.service;
  Pdu pdu;
  try {
    // Before BIND only BIND-invocation is valid, whose encoding is the same for every service.
    pdu = decode_pdu(p, n, decode_as, state_ == unbound ? 0 : version_);
  } catch (const BerError& e) {
    spdlog::warn("SLE: undecodable PDU ({}): aborting the association", e.what());
    abort(PeerAbortDiagnostic::encoding_error);
    return;
  }
  handle(std::move(pdu));
}

void ProviderSession::handle_bind(const BindInvocation& b) {
  BindReturn ret;
  ret.positive = false;
  auto reject = [&](BindDiagnostic d, const std::string& why) {
    spdlog::warn("SLE: BIND from '{}' for {} rejected: {}", b.initiator, b.sii.to_string(), why);
    ret.value = static_cast<int>(d);
    // Unknown instance: answer with the identity of the port's first instance.
    if (!cfg_ && !candidates_.empty()) cfg_ = &candidates_.front()->cfg;
    if (!version_) version_ = std::clamp(b.version, 1, 5);
    ret.responder = cfg_ ? cfg_->responder_id : "groundlink";
    ret.credentials = our_credentials(true);
    reply(ret);
    close_after_writes();
    si_ = nullptr;
    cfg_ = nullptr;
  };
  InstanceState* si = nullptr;
  for (auto* c : candidates_)
    if (c->sii == b.sii) si = c;
  if (!si) return reject(BindDiagnostic::no_such_service_instance, "no such service instance");
  si_ = si;
  cfg_ = &si->cfg;
  version_ = std::clamp(b.version, 1, 5);
  if (b.service_type != static_cast<int>(ServiceType::rtn_all_frames) &&
      b.service_type != static_cast<int>(ServiceType::rtn_ch_frames) &&
      b.service_type != static_cast<int>(ServiceType::fwd_cltu))
    return reject(BindDiagnostic::service_type_not_supported, "service type " + std::to_string(b.service_type));
  if (b.service_type != static_cast<int>(cfg_->service))
    return reject(BindDiagnostic::inconsistent_service_type, "service type does not match the instance");
  if (b.responder_port != cfg_->responder_port)
    return reject(BindDiagnostic::no_such_service_instance, "responder port '" + b.responder_port + "'");
  const PeerConfig* user = nullptr;
  for (const auto& u : cfg_->users)
    if (u.id == b.initiator) user = &u;
  if (!user && !(cfg_->users.empty() && cfg_->auth == AuthMode::none))
    return reject(BindDiagnostic::si_not_accessible_to_this_initiator, "unknown initiator");
  if (user) user_ = *user;
  else user_.id = b.initiator;
  if (user_.hash) peer_hash_ = user_.hash;
  if (cfg_->auth != AuthMode::none) {
    HashAlgorithm used = HashAlgorithm::sha1;
    const CredentialStatus st =
        b.credentials.empty()
            ? CredentialStatus::malformed
            : check_credentials(b.credentials, user_.id, user_.password, b.version, SleTime::now(),
                                cfg_->max_credential_age_s, &used);
    if (st != CredentialStatus::ok) return reject(BindDiagnostic::access_denied, std::string("credentials ") + to_string(st));
    if (user_.hash && used != *user_.hash)
      return reject(BindDiagnostic::access_denied,
                    std::string("credentials hashed with ") + to_string(used) + ", " + to_string(*user_.hash) + " configured");
    peer_hash_ = used;
  }
  if (std::find(cfg_->versions.begin(), cfg_->versions.end(), b.version) == cfg_->versions.end())
    return reject(BindDiagnostic::version_not_supported, "version " + std::to_string(b.version));
  {
    std::lock_guard<std::mutex> lk(core_->mu);
    if (si->bound) return reject(BindDiagnostic::already_bound, "already bound");
    si->bound = true;
  }
  service_ = cfg_->service;
  meta_.antenna.assign(cfg_->antenna_id.begin(), cfg_->antenna_id.end());
  si->associations++;
  bound_si = si;
  state_ = ready;
  ret.positive = true;
  ret.value = b.version;
  ret.responder = cfg_->responder_id;
  ret.credentials = our_credentials(true);
  spdlog::info("SLE {}: bound by '{}' (version {}, auth {})", cfg_->sii, b.initiator, b.version, to_string(cfg_->auth));
  reply(ret);
}

GetParameterReturn ProviderSession::get_cltu_parameter(const GetParameterInvocation& g) {
  GetParameterReturn r;
  r.invoke_id = g.invoke_id;
  r.credentials = our_credentials(false);
  ParameterValue& v = r.parameter;
  v.name = g.parameter;
  switch (g.parameter) {
    case param::kBitLockRequired: v.value = cfg_->bit_lock_required ? 0 : 1; break;  // yes 0, no 1
    case param::kRfAvailableRequired: v.value = cfg_->rf_available_required ? 0 : 1; break;
    case param::kDeliveryMode: v.value = static_cast<int>(DeliveryMode::fwd_online); break;
    case param::kExpectedSlduId: v.value = expected_cltu_id_; break;
    case param::kExpectedEventInvocationId: v.value = expected_event_id_; break;
    case param::kMaximumSlduLength: v.value = cfg_->max_cltu_length; break;
    case param::kMinimumDelayTime: v.value = cfg_->min_delay_us; break;
    case param::kNotificationMode: v.value = 1; break;   // immediate
    case param::kPlopInEffect: v.value = cfg_->plop - 1; break;  // plop1 0, plop2 1
    case param::kAcquisitionSequenceLength: v.value = cfg_->acquisition_sequence_length; break;
    case param::kPlop1IdleSequenceLength: v.value = cfg_->plop1_idle_sequence_length; break;
    case param::kModulationFrequency: v.value = cfg_->modulation_frequency; break;
    case param::kModulationIndex: v.value = cfg_->modulation_index; break;
    case param::kSubcarrierToBitRateRatio: v.value = cfg_->subcarrier_to_bit_rate_ratio; break;
    case param::kClcwGlobalVcid:
    case param::kClcwPhysicalChannel: {
      // v5: CHOICE { configured [0], notConfigured [1] NULL }; v4: the bare value, so an
      // unconfigured one cannot be told to a v4 user (unknownParameter).
      const bool gvcid = g.parameter == param::kClcwGlobalVcid;
      const bool configured = gvcid ? cfg_->clcw_global_vcid.has_value() : !cfg_->clcw_physical_channel.empty();
      if (!configured && version_ < 5) {
        r.result = OpResult::service_specific(0);
        break;
      }
      BerWriter w(v.raw);
      if (!configured) {
        w.null(TagClass::context, 1);
      } else if (gvcid) {
        const RequestedGvcid& c = *cfg_->clcw_global_vcid;
        if (version_ >= 5) w.begin(TagClass::context, 0); else w.sequence();
        w.integer(c.scid);
        w.integer(c.tfvn);
        w.integer(TagClass::context, 1, c.vcid);  // virtualChannel
        w.end();
      } else if (version_ >= 5) {
        w.visible_string(cfg_->clcw_physical_channel, TagClass::context, 0);
      } else {
        w.visible_string(cfg_->clcw_physical_channel);
      }
      break;
    }
    case param::kProtocolAbortMode: v.value = 0; break;  // abort
    case param::kReturnTimeoutPeriod: v.value = cfg_->return_timeout_s; break;
    case param::kMinReportingCycle: v.value = cfg_->min_reporting_cycle_s; break;
    case param::kReportingCycle:
      if (report_cycle_s_ == 0) v.absent = true;
      else v.value = report_cycle_s_;
      break;
    default:
      r.result = OpResult::service_specific(0);  // unknownParameter
  }
  if (r.result.positive && parameter_choice(service_, version_, g.parameter) < 0) {
    r.result = OpResult::service_specific(0);  // not in this version's CltuGetParameter CHOICE
    r.parameter = {};
  }
  return r;
}

bool ProviderSession::handle_cltu(Pdu& pdu, int st) {
  if (auto* s = std::get_if<StartInvocation>(&pdu)) {
    if (!check_invoker(s->credentials)) return true;
    if (st != ready) {
      abort(PeerAbortDiagnostic::protocol_error);
      return true;
    }
    StartReturn r;
    r.invoke_id = s->invoke_id;
    r.credentials = our_credentials(false);
    r.start_radiation = SleTime::now();
    r.start_radiation.pico = version_ >= 3;
    expected_cltu_id_ = s->first_cltu_id;
    state_ = active;
    si_->started = true;
    si_->starts++;
    reply(r);
    return true;
  }
  if (auto* t = std::get_if<CltuTransferData>(&pdu)) {
    if (!check_invoker(t->credentials)) return true;
    if (st != active) {
      abort(PeerAbortDiagnostic::protocol_error);
      return true;
    }
    ++cltus_received_;
    si_->cltus_received++;
    CltuTransferDataReturn r;
    r.invoke_id = t->invoke_id;
    r.credentials = our_credentials(false);
    // 912.1-B §3.6.2: diagnostics outOfSequence 2, invalidDelayTime 6, cltuError 7, unableToProcess 0.
    if (t->cltu_id != expected_cltu_id_) {
      r.result = OpResult::service_specific(2);
    } else if (t->delay_us < cfg_->min_delay_us) {
      r.result = OpResult::service_specific(6);
    } else if (t->data.empty() || t->data.size() > static_cast<size_t>(cfg_->max_cltu_length) ||
               (cfg_->check_bch && !cltu_decode(t->data.data(), t->data.size()).ok)) {
      r.result = OpResult::service_specific(7);
    } else {
      std::function<bool(const SleProvider::CltuRequest&)> sink;
      {
        std::lock_guard<std::mutex> lk(core_->mu);
        sink = core_->cltu_sink;
      }
      SleProvider::CltuRequest req{cfg_->sii, t->cltu_id, &t->data, t->earliest, t->latest, t->delay_us};
      if (sink && !sink(req)) r.result = OpResult::service_specific(0);
    }
    if (r.result.positive) {
      ++expected_cltu_id_;
      ++cltus_processed_;
      ++cltus_radiated_;
      si_->cltus_accepted++;
      const SleTime now = SleTime{SleTime::now().ns, 0, version_ >= 3};
      cltu_progress_.processed = true;
      cltu_progress_.processed_id = t->cltu_id;
      cltu_progress_.radiation_start = now;
      cltu_progress_.status = 0;  // radiated
      cltu_progress_.ok = true;
      cltu_progress_.ok_id = t->cltu_id;
      cltu_progress_.radiation_stop = now;
    }
    r.expected_cltu_id = expected_cltu_id_;
    r.buffer_available = cfg_->cltu_buffer_octets;
    reply(r);
    if (r.result.positive && t->notification == 0) {  // produceNotification
      CltuAsyncNotify a;
      a.credentials = our_credentials(false);
      a.notification = 0;  // cltuRadiated
      a.progress = cltu_progress_;
      a.production = 0;
      a.uplink = 3;
      reply(a);
    }
    return true;
  }
  if (auto* e = std::get_if<ThrowEventInvocation>(&pdu)) {
    if (!check_invoker(e->credentials)) return true;
    ThrowEventReturn r;
    r.invoke_id = e->invoke_id;
    r.event_invocation_id = e->event_invocation_id;
    r.credentials = our_credentials(false);
    if (e->event_invocation_id != expected_event_id_) {
      r.result = OpResult::service_specific(1);  // eventInvocIdOutOfSequence
    } else {
      ++expected_event_id_;
      spdlog::info("SLE {}: THROW-EVENT {} (qualifier {} octets) from '{}'", cfg_->sii, e->event_id,
                   e->qualifier.size(), user_.id);
    }
    reply(r);
    return true;
  }
  if (auto* g = std::get_if<GetParameterInvocation>(&pdu)) {
    if (!check_invoker(g->credentials)) return true;
    reply(get_cltu_parameter(*g));
    return true;
  }
  if (auto* s = std::get_if<StopInvocation>(&pdu)) {
    if (!check_invoker(s->credentials)) return true;
    if (st != active) {
      abort(PeerAbortDiagnostic::protocol_error);
      return true;
    }
    StopReturn r;
    r.invoke_id = s->invoke_id;
    r.credentials = our_credentials(false);
    state_ = ready;
    si_->started = false;
    reply(r);
    return true;
  }
  return false;  // common operations (SCHEDULE-STATUS-REPORT, UNBIND)
}

GetParameterReturn ProviderSession::get_parameter(const GetParameterInvocation& g) {
  GetParameterReturn r;
  r.invoke_id = g.invoke_id;
  r.credentials = our_credentials(false);
  ParameterValue& v = r.parameter;
  v.name = g.parameter;
  const bool rcf = service_ == ServiceType::rtn_ch_frames;
  switch (g.parameter) {
    case param::kBufferSize: v.value = cfg_->buffer_size; break;
    case param::kDeliveryMode: v.value = static_cast<int>(cfg_->delivery); break;
    case param::kLatencyLimit:
      if (cfg_->delivery == DeliveryMode::offline) v.absent = true;
      else v.value = (cfg_->latency_limit_ms + 999) / 1000;  // seconds (IntPosShort)
      break;
    case param::kReportingCycle:
      if (report_cycle_s_ == 0) v.absent = true;
      else v.value = report_cycle_s_;
      break;
    case param::kReturnTimeoutPeriod: v.value = cfg_->return_timeout_s; break;
    case param::kMinReportingCycle: v.value = cfg_->min_reporting_cycle_s; break;
    case param::kRequestedFrameQuality:
      if (rcf) { r.result = OpResult::service_specific(0); return r; }
      // v1..v4 report undefined (3) until a START has selected one (RafGetParameterV1toV4).
      v.value = (!gvcid_set_ && version_ < 5) ? 3 : requested_quality_;
      break;
    case param::kPermittedFrameQuality:
      if (rcf) { r.result = OpResult::service_specific(0); return r; }
      v.quality_set.assign(cfg_->permitted_quality.begin(), cfg_->permitted_quality.end());
      break;
    case param::kRequestedGvcid:
      if (!rcf) { r.result = OpResult::service_specific(0); return r; }
      // v5 RequestedGvcId has an undefined branch for "no START yet"; v1..v4 always carry a GvcId.
      if (gvcid_set_ || version_ < 5) v.gvcid_set.push_back(gvcid_);
      else v.absent = true;
      break;
    case param::kPermittedGvcidSet:
      if (!rcf) { r.result = OpResult::service_specific(0); return r; }
      v.gvcid_set = cfg_->permitted_gvcids;
      break;
    default:
      r.result = OpResult::service_specific(0);  // unknownParameter
  }
  // A parameter this version's GET-PARAMETER CHOICE cannot carry is unknown to that user.
  if (r.result.positive && parameter_choice(service_, version_, g.parameter) < 0) {
    r.result = OpResult::service_specific(0);
    r.parameter = {};
  }
  return r;
}

void ProviderSession::send_status_report() {
  if (service_ == ServiceType::fwd_cltu) {
    CltuStatusReport c;
    c.credentials = our_credentials(false);
    c.progress = cltu_progress_;
    c.production = state_ == active ? 0 : 1;  // operational / configured
    c.uplink = 3;                             // nominal
    c.received = cltus_received_ & 0xffffffff;
    c.processed = cltus_processed_ & 0xffffffff;
    c.radiated = cltus_radiated_ & 0xffffffff;
    c.buffer_available = cfg_->cltu_buffer_octets;
    reply(c);
    return;
  }
  StatusReport s;
  s.credentials = our_credentials(false);
  {
    std::lock_guard<std::mutex> lk(mu_);
    s.error_free_frames = static_cast<int64_t>(error_free_ & 0xffffffffu);
    s.delivered_frames = static_cast<int64_t>(delivered_ & 0xffffffffu);
  }
  s.frame_sync = core_->frame_sync;
  s.symbol_sync = core_->symbol_sync;
  s.subcarrier = core_->subcarrier;
  s.carrier = core_->carrier;
  s.production = core_->production;
  reply(s);
}

void ProviderSession::arm_report_timer() {
  report_timer_.expires_after(std::chrono::seconds(report_cycle_s_));
  report_timer_.async_wait([s = self()](boost::system::error_code ec) {
    if (ec || s->report_cycle_s_ == 0 || s->state_ == closed || s->state_ == unbound) return;
    s->send_status_report();
    s->arm_report_timer();
  });
}

void ProviderSession::start_offline(const SleTime& from, const SleTime& to) {
  auto store = core_->store;
  core_->offline_workers++;
  std::thread([s = self(), store, from, to] {
    if (store) {
      store->query(from, to, [&](const framing::Frame& f, const SleTime& ert) {
        if (s->state_ != active || s->core_->stopping) return false;
        s->offer(f, ert);
        return true;
      });
    }
    {
      std::lock_guard<std::mutex> lk(s->mu_);
      if (s->state_ == active && s->cur_frames_ > 0) s->finish_tb_locked();
    }
    s->offer_end_of_data();
    s->core_->offline_workers--;
  }).detach();
}

void ProviderSession::handle(Pdu&& pdu) {
  const int st = state_;
  if (st == unbound) {
    if (auto* b = std::get_if<BindInvocation>(&pdu)) return handle_bind(*b);
    spdlog::warn("SLE: {} before BIND", pdu_name(pdu));
    return abort(PeerAbortDiagnostic::protocol_error);
  }
  if (std::holds_alternative<PeerAbortPdu>(pdu)) return close();
  if (service_ == ServiceType::fwd_cltu && handle_cltu(pdu, st)) return;
  if (auto* s = std::get_if<StartInvocation>(&pdu)) {
    if (!check_invoker(s->credentials)) return;
    if (st != ready) return abort(PeerAbortDiagnostic::protocol_error);
    StartReturn r;
    r.invoke_id = s->invoke_id;
    r.credentials = our_credentials(false);
    if (service_ == ServiceType::rtn_all_frames &&
        std::find(cfg_->permitted_quality.begin(), cfg_->permitted_quality.end(), s->requested_quality) ==
            cfg_->permitted_quality.end()) {
      r.result = OpResult::service_specific(1);  // unableToComply
    } else if (service_ == ServiceType::rtn_ch_frames && !cfg_->permitted_gvcids.empty() &&
               std::find(cfg_->permitted_gvcids.begin(), cfg_->permitted_gvcids.end(), s->gvcid) ==
                   cfg_->permitted_gvcids.end()) {
      r.result = OpResult::service_specific(5);  // invalidGvcId (911.2-B)
    } else if (cfg_->delivery == DeliveryMode::offline && (!s->start_time || !s->stop_time)) {
      r.result = OpResult::service_specific(4);  // missingTimeValue
    } else if (s->start_time && s->stop_time && s->stop_time->ns < s->start_time->ns) {
      r.result = OpResult::service_specific(3);  // invalidStopTime
    }
    if (r.result.positive) {
      requested_quality_ = s->requested_quality;
      gvcid_ = s->gvcid;
      gvcid_set_ = true;
      state_ = active;
      si_->started = true;
      si_->starts++;
      core_->set_active(self(), true);
    }
    reply(r);
    if (r.result.positive && cfg_->delivery == DeliveryMode::offline) start_offline(*s->start_time, *s->stop_time);
    return;
  }
  if (auto* s = std::get_if<StopInvocation>(&pdu)) {
    if (!check_invoker(s->credentials)) return;
    if (st != active) return abort(PeerAbortDiagnostic::protocol_error);
    core_->set_active(self(), false);
    StopReturn r;
    r.invoke_id = s->invoke_id;
    r.credentials = our_credentials(false);
    {
      // Frames already assembled go out before the STOP return (911.1-B §3.5.2.3).
      std::lock_guard<std::mutex> lk(mu_);
      if (cur_frames_ > 0) finish_tb_locked();
      state_ = ready;
      si_->started = false;
      cv_.notify_all();
    }
    reply(r);
    return;
  }
  if (auto* s = std::get_if<ScheduleStatusReportInvocation>(&pdu)) {
    if (!check_invoker(s->credentials)) return;
    ScheduleStatusReportReturn r;
    r.invoke_id = s->invoke_id;
    r.credentials = our_credentials(false);
    using K = ScheduleStatusReportInvocation::Kind;
    if (cfg_->delivery == DeliveryMode::offline) {
      // No status reports for an offline delivery (911.1-B §3.7: notSupportedInThisDeliveryMode).
      r.result = OpResult::service_specific(0);
    } else if (s->kind == K::stop) {
      if (report_cycle_s_ == 0) r.result = OpResult::service_specific(1);  // alreadyStopped
      else {
        report_cycle_s_ = 0;
        report_timer_.cancel();
      }
    } else if (s->kind == K::periodically) {
      if (s->cycle_s < cfg_->min_reporting_cycle_s || s->cycle_s > 600) {
        r.result = OpResult::service_specific(2);  // invalidReportingCycle
      } else {
        report_cycle_s_ = s->cycle_s;
      }
    }
    reply(r);
    if (r.result.positive && s->kind == K::immediately) send_status_report();
    if (r.result.positive && s->kind == K::periodically) {
      send_status_report();
      arm_report_timer();
    }
    return;
  }
  if (auto* g = std::get_if<GetParameterInvocation>(&pdu)) {
    if (!check_invoker(g->credentials)) return;
    reply(get_parameter(*g));
    return;
  }
  if (auto* u = std::get_if<UnbindInvocation>(&pdu)) {
    if (!check_invoker(u->credentials)) return;
    if (st != ready) return abort(PeerAbortDiagnostic::protocol_error);
    UnbindReturn r;
    r.credentials = our_credentials(false);
    reply(r);
    {
      std::lock_guard<std::mutex> lk(core_->mu);
      si_->bound = false;
    }
    state_ = closed;
    report_timer_.cancel();
    spdlog::info("SLE {}: unbound by '{}'", cfg_->sii, user_.id);
    close_after_writes();
    return;
  }
  spdlog::warn("SLE {}: unexpected {} from the user", cfg_->sii, pdu_name(pdu));
  abort(PeerAbortDiagnostic::protocol_error);
}

void ProviderSession::on_closed(const std::string& reason, int abort_diag) {
  const int prev = state_.exchange(closed);
  bound_si = nullptr;
  report_timer_.cancel();
  latency_timer_.cancel();
  {
    std::lock_guard<std::mutex> lk(mu_);
    cv_.notify_all();
  }
  if (prev == active) core_->set_active(self(), false);
  if (si_ && prev != unbound && prev != closed) {
    {
      std::lock_guard<std::mutex> lk(core_->mu);
      si_->bound = false;
    }
    si_->started = false;
    si_->aborts++;
    spdlog::warn("SLE {}: association with '{}' ended: {}{}", cfg_->sii, user_.id, reason,
                 abort_diag >= 0 ? std::string(" (") + to_string(static_cast<PeerAbortDiagnostic>(abort_diag)) + ")" : "");
  }
}

}  // namespace groundlink::sle
