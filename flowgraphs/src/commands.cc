#include "commands.h"

namespace groundlink::app {

int cmd_decode(int argc, char** argv);
int cmd_demo(int argc, char** argv);

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"demo", "synthesize a pass, run the whole chain, check every frame arrived", cmd_demo},
      {"decode", "decode a recording (soft symbols or bits) with a mission profile", cmd_decode},
  };
  return list;
}

}  // namespace groundlink::app
