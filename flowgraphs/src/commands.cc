#include "commands.h"

namespace groundlink::app {

int cmd_decode(int argc, char** argv);
int cmd_demo(int argc, char** argv);
int cmd_generate(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_sle_user(int argc, char** argv);
int cmd_run(int argc, char** argv);

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"demo", "synthesize a pass, run the whole chain, check every frame arrived", cmd_demo},
      {"decode", "decode a recording (IQ or soft symbols) with a mission profile", cmd_decode},
      {"generate", "test-bench signal generator: frames -> coding -> PSK -> channel -> SigMF", cmd_generate},
      {"run", "run the station: SDR or file source, receive chain, archive, SLE server, monitor", cmd_run},
      {"sle-user", "SLE user (RAF, RCF, FCLTU): bind, start, receive frames, send CLTUs", cmd_sle_user},
      {"sweep", "FER vs Eb/N0 of the receive chain against the genie and theory (CSV + PNG)", cmd_sweep},
  };
  return list;
}

}  // namespace groundlink::app
