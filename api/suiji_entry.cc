// suiji: the node's command line (api/suiji_main.cc). A write command whose data directory a
// running `suiji serve` holds goes through that server (api/cli_socket.h); anything else runs
// in this process.
#include "api/cli_socket.h"
#include "ledger/core/ed25519.h"

int main(int argc, char** argv) {
  suiji::InitCrypto();
  return suiji::cli::Main(argc, argv);
}
