// The groundlink subcommands (DESIGN.md: the program's contract).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace groundlink::app {

struct Command {
  std::string name;
  std::string summary;
  std::function<int(int argc, char** argv)> run;  ///< argv excludes the command name
};

/// Every subcommand this build has, in the order --help lists them.
const std::vector<Command>& commands();

}  // namespace groundlink::app
