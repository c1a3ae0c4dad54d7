#include "signals.h"

#include <atomic>
#include <csignal>
#include <thread>

namespace groundlink::app {
namespace {
std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
extern "C" void on_stop(int) { g_stop.store(true); }
extern "C" void on_hup(int) { g_reload.store(true); }
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_hup;
  sigaction(SIGHUP, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a vanished SLE or HTTP peer is an error code, not a kill
}

bool stop_requested() { return g_stop.load(); }

bool take_reload_request() { return g_reload.exchange(false); }

bool wait_for_stop(std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!g_stop.load()) {
    if (timeout.count() >= 0 && std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace groundlink::app
