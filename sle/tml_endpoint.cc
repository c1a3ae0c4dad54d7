#include "sle/tml_endpoint.h"

#include <spdlog/spdlog.h>

namespace groundlink::sle {

namespace asio = boost::asio;
using boost::system::error_code;

TmlEndpoint::TmlEndpoint(Socket socket, Role role, TmlSettings settings)
    : socket_(std::move(socket)),
      role_(role),
      settings_(settings),
      hb_timer_(socket_.get_executor()),
      dead_timer_(socket_.get_executor()),
      linger_timer_(socket_.get_executor()) {}

TmlEndpoint::~TmlEndpoint() = default;

void TmlEndpoint::start() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    error_code ec;
    self->socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    // The PEER-ABORT urgent octet is read in line: after the last whole message, a lone octet
    // followed by end-of-stream is the abort diagnostic (913.1-B-2 §3.2.4.4).
    self->socket_.set_option(asio::socket_base::out_of_band_inline(true), ec);
    self->last_send_ = std::chrono::steady_clock::now();
    if (self->role_ == Role::initiator) {
      self->context_.heartbeat_s = self->settings_.heartbeat_s;
      self->context_.dead_factor = self->settings_.dead_factor;
      self->context_seen_ = true;
      self->queue_.push_back(tml_encode_context(self->context_));
      self->do_write();
      self->arm_heartbeat();
      self->arm_dead_timer();
    } else {
      // Context message timer (ISP1 TML "accept timer").
      self->dead_timer_.expires_after(std::chrono::seconds(self->settings_.context_timeout_s));
      self->dead_timer_.async_wait([self](error_code ec) {
        if (!ec && !self->context_seen_) self->finish("no context message", -1);
      });
    }
    self->read_header();
  });
}

void TmlEndpoint::read_header() {
  asio::async_read(socket_, asio::buffer(header_), [self = shared_from_this()](error_code ec, size_t n) {
    if (self->finished_) return;
    if (ec) {
      if (n == 1 && (ec == asio::error::eof || ec == asio::error::connection_reset)) {
        self->finish("PEER-ABORT received", self->header_[0]);
      } else {
        self->finish(n == 0 && ec == asio::error::eof ? "connection closed by peer" : ec.message(), -1);
      }
      return;
    }
    if (self->aborting_) {  // draining until the peer closes
      self->read_header();
      return;
    }
    TmlHeader h;
    try {
      h = tml_parse_header(self->header_, self->settings_.max_pdu);
    } catch (const TmlError& e) {
      spdlog::warn("SLE: {}", e.what());
      self->abort(PeerAbortDiagnostic::protocol_error);
      return;
    }
    if (h.length == 0) {
      self->handle_message(h);
      return;
    }
    self->read_body(h);
  });
}

void TmlEndpoint::read_body(TmlHeader h) {
  body_.resize(h.length);
  asio::async_read(socket_, asio::buffer(body_), [self = shared_from_this(), h](error_code ec, size_t) {
    if (self->finished_) return;
    if (ec) {
      self->finish(ec.message(), -1);
      return;
    }
    self->handle_message(h);
  });
}

void TmlEndpoint::handle_message(const TmlHeader& h) {
  if (h.type == TmlType::context) {
    if (role_ != Role::responder || context_seen_) {
      spdlog::warn("SLE: unexpected context message");
      abort(PeerAbortDiagnostic::protocol_error);
      return;
    }
    try {
      context_ = tml_decode_context(body_.data(), body_.size());
    } catch (const TmlError& e) {
      spdlog::warn("SLE: {}", e.what());
      abort(PeerAbortDiagnostic::protocol_error);
      return;
    }
    const bool hb_ok = context_.heartbeat_s == 0 ||
                       (context_.heartbeat_s >= settings_.min_heartbeat_s && context_.heartbeat_s <= settings_.max_heartbeat_s);
    const bool df_ok = context_.heartbeat_s == 0 ||
                       (context_.dead_factor >= settings_.min_dead_factor && context_.dead_factor <= settings_.max_dead_factor);
    if (!hb_ok || !df_ok) {
      spdlog::warn("SLE: heartbeat {} s / dead factor {} outside the accepted range", context_.heartbeat_s,
                   context_.dead_factor);
      abort(PeerAbortDiagnostic::protocol_error);
      return;
    }
    context_seen_ = true;
    dead_timer_.cancel();
    arm_heartbeat();
    arm_dead_timer();
  } else if (!context_seen_) {
    spdlog::warn("SLE: message before the context message");
    abort(PeerAbortDiagnostic::protocol_error);
    return;
  } else {
    arm_dead_timer();
    if (h.type == TmlType::pdu && pending_abort_ < 0) {  // nothing more is handled once aborting
      on_pdu(body_.data(), body_.size());
      if (finished_) return;
    }
  }
  read_header();
}

void TmlEndpoint::arm_heartbeat() {
  if (context_.heartbeat_s == 0) return;
  hb_timer_.expires_after(std::chrono::seconds(context_.heartbeat_s));
  hb_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->finished_) return;
    const auto idle = std::chrono::steady_clock::now() - self->last_send_;
    if (idle >= std::chrono::seconds(self->context_.heartbeat_s) - std::chrono::milliseconds(50) && !self->writing_) {
      self->queue_.push_back(tml_heartbeat());
      self->do_write();
    }
    self->arm_heartbeat();
  });
}

void TmlEndpoint::arm_dead_timer() {
  if (context_.heartbeat_s == 0) return;
  // ISP1: the peer is dead when nothing arrived for heartbeat interval * dead factor.
  dead_timer_.expires_after(std::chrono::seconds(int{context_.heartbeat_s} * context_.dead_factor));
  dead_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (ec || self->finished_) return;
    spdlog::warn("SLE: no message for {} s (heartbeat {} s x dead factor {}): connection lost",
                 int{self->context_.heartbeat_s} * self->context_.dead_factor, self->context_.heartbeat_s,
                 self->context_.dead_factor);
    self->finish("dead factor expired", -1);
  });
}

void TmlEndpoint::send(std::vector<uint8_t> message) {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this(), m = std::move(message)]() mutable {
    if (self->finished_ || self->aborting_ || self->pending_abort_ >= 0) return;
    self->queue_.push_back(std::move(m));
    self->do_write();
  });
}

void TmlEndpoint::send_pdu(const std::vector<uint8_t>& pdu) {
  std::vector<uint8_t> m(kTmlHeaderSize + pdu.size());
  tml_put_header(m.data(), TmlType::pdu, static_cast<uint32_t>(pdu.size()));
  std::copy(pdu.begin(), pdu.end(), m.begin() + kTmlHeaderSize);
  send(std::move(m));
}

void TmlEndpoint::kick() {
  if (kick_pending_.exchange(true)) return;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->kick_pending_ = false;
    self->do_write();
  });
}

void TmlEndpoint::do_write() {
  if (writing_ || finished_) return;
  if (pending_abort_ >= 0) {
    send_urgent();
    return;
  }
  batch_.clear();
  while (!queue_.empty()) {
    batch_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (!aborting_) pull(batch_);
  if (batch_.empty()) {
    if (close_after_writes_) finish("closed after final message", -1);
    return;
  }
  buffers_.clear();
  uint64_t bytes = 0;
  for (const auto& b : batch_) {
    buffers_.emplace_back(asio::buffer(b));
    bytes += b.size();
  }
  inflight_bytes_ = bytes;
  inflight_msgs_ = batch_.size();
  writing_ = true;
  last_send_ = std::chrono::steady_clock::now();
  asio::async_write(socket_, buffers_, [self = shared_from_this()](error_code ec, size_t) {
    self->writing_ = false;
    self->inflight_bytes_ = 0;
    self->inflight_msgs_ = 0;
    for (auto& b : self->batch_) self->recycle(std::move(b));
    self->batch_.clear();
    if (self->finished_) return;
    if (ec) {
      self->finish(ec.message(), -1);
      return;
    }
    self->on_written();
    self->do_write();
  });
}

void TmlEndpoint::abort(PeerAbortDiagnostic diag) {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this(), diag] {
    if (self->finished_ || self->aborting_ || self->pending_abort_ >= 0) return;
    spdlog::info("SLE: sending PEER-ABORT ({})", to_string(diag));
    self->pending_abort_ = static_cast<int>(diag);
    self->queue_.clear();
    if (!self->writing_) {
      self->send_urgent();
      return;
    }
    // The octet goes after the message being written; a peer that does not read never lets that
    // write end, so give it one second and then close without it.
    self->linger_timer_.expires_after(std::chrono::seconds(1));
    self->linger_timer_.async_wait([self](error_code e) {
      if (e || self->finished_ || self->pending_abort_ < 0) return;
      spdlog::warn("SLE: PEER-ABORT not delivered: the peer does not read; closing");
      self->finish("PEER-ABORT not delivered (peer not reading)", -1);
    });
  });
}

void TmlEndpoint::send_urgent() {
  const uint8_t d = static_cast<uint8_t>(pending_abort_);
  pending_abort_ = -1;
  aborting_ = true;
  error_code ec;
  // Never block the strand (other associations share the I/O thread): with no room in the send
  // buffer the octet is lost and the connection is closed all the same.
  socket_.non_blocking(true, ec);
  socket_.send(asio::buffer(&d, 1), asio::socket_base::message_out_of_band, ec);
  if (ec) spdlog::warn("SLE: PEER-ABORT octet not sent: {}", ec.message());
  socket_.shutdown(asio::socket_base::shutdown_send, ec);
  hb_timer_.cancel();
  dead_timer_.cancel();
  // Keep reading until the peer closes (closing with unread input would reset the connection and
  // could destroy the urgent octet before the peer reads it); give up after one second.
  linger_timer_.expires_after(std::chrono::seconds(1));
  linger_timer_.async_wait([self = shared_from_this(), d](error_code e) {
    if (!e) self->finish("PEER-ABORT sent", -1);
  });
  on_closed(std::string("PEER-ABORT sent: ") + to_string(static_cast<PeerAbortDiagnostic>(d)), -1);
}

void TmlEndpoint::close_after_writes() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->close_after_writes_ = true;
    self->do_write();
  });
}

void TmlEndpoint::close() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->finish("closed locally", -1); });
}

void TmlEndpoint::finish(const std::string& reason, int abort_diag) {
  if (finished_) return;
  finished_ = true;
  const bool was_aborting = aborting_;
  closed_ = true;
  error_code ec;
  hb_timer_.cancel();
  dead_timer_.cancel();
  linger_timer_.cancel();
  socket_.shutdown(asio::socket_base::shutdown_both, ec);
  socket_.close(ec);
  if (!was_aborting) on_closed(reason, abort_diag);
}

}  // namespace groundlink::sle
