// Command-line plumbing shared by the groundlink subcommands.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace groundlink::app {

/// Exit codes (DESIGN.md): 0 success, 1 runtime failure, 2 bad arguments or configuration.
enum ExitCode { kExitOk = 0, kExitRuntime = 1, kExitUsage = 2 };

/// A usage or configuration error: reported with its message and exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::string name;      ///< long name without dashes
  std::string metavar;   ///< empty for a flag
  std::string help;
  std::string default_value;
};

/// Parses --name value / --name=value / --flag; unknown options are UsageErrors naming them.
class Args {
 public:
  Args(std::string command, std::string summary, std::vector<OptionSpec> specs);
  /// Returns false when --help was given (help already printed).
  bool parse(int argc, char** argv);
  bool has(const std::string& name) const;
  std::string get(const std::string& name) const;
  double get_double(const std::string& name) const;
  long long get_int(const std::string& name) const;
  std::string help() const;

 private:
  const OptionSpec& spec(const std::string& name) const;
  std::string command_, summary_;
  std::vector<OptionSpec> specs_;
  std::map<std::string, std::string> values_;
};

}  // namespace groundlink::app
