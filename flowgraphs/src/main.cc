// groundlink: CCSDS ground-station link and telemetry front-end.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "cli.h"
#include "commands.h"

using namespace groundlink::app;

static void print_usage() {
  std::printf("usage: groundlink <command> [options]\n\ncommands:\n");
  for (const auto& c : commands()) std::printf("  %-12s %s\n", c.name.c_str(), c.summary.c_str());
  std::printf("\n'groundlink <command> --help' describes each command's options.\n"
              "Exit codes: 0 success, 1 runtime failure, 2 bad arguments or configuration.\n");
}

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries the commands' results (JSON summaries, tables).
  spdlog::set_default_logger(spdlog::stderr_color_mt("groundlink"));
  if (const char* lvl = std::getenv("GROUNDLINK_LOG_LEVEL")) spdlog::set_level(spdlog::level::from_str(lvl));
  if (argc < 2) {
    print_usage();
    return kExitUsage;
  }
  const std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    print_usage();
    return kExitOk;
  }
  if (name == "--version") {
    std::printf("groundlink %s\n", GROUNDLINK_VERSION);
    return kExitOk;
  }
  for (const auto& c : commands()) {
    if (c.name != name) continue;
    try {
      return c.run(argc - 2, argv + 2);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "groundlink %s: %s\n", name.c_str(), e.what());
      return kExitUsage;
    } catch (const std::exception& e) {
      spdlog::error("groundlink {}: {}", name, e.what());
      return kExitRuntime;
    }
  }
  std::fprintf(stderr, "groundlink: unknown command '%s'\n\n", name.c_str());
  print_usage();
  return kExitUsage;
}
