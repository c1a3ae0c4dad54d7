#include "commands.h"

namespace groundlink::app {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {};
  return list;
}

}  // namespace groundlink::app
