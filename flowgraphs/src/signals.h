// Process signals for the long-running commands: SIGINT/SIGTERM ask for a clean stop (flush,
// close the archive, end SLE associations), SIGHUP asks for a configuration reload.
#pragma once

#include <chrono>

namespace groundlink::app {

void install_signal_handlers();
bool stop_requested();
/// True once per SIGHUP.
bool take_reload_request();
/// Sleeps until a stop is requested or `timeout` passes (negative: no timeout); true if stopped.
bool wait_for_stop(std::chrono::milliseconds timeout);

}  // namespace groundlink::app
