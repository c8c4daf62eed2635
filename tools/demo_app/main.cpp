// rollguard-demo-app: the small HTTP service that the demo, the tests and the benchmarks
// deploy. Its failure modes are set by flags; see docs/demo-app.md.
#include <sys/prctl.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <iostream>

#include "tools/demo_app/app.hpp"
#include "tools/demo_app/options.hpp"
#include "tools/demo_app/server.hpp"

int main(int argc, char** argv) {
  using namespace rollguard::demo;
  DemoOptions options;
  CLI::App cli{"rollguard-demo-app: an HTTP service with failure modes set by flags"};
  bind_options(cli, options);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }

  // SIGKILL rather than SIGTERM: nobody is left to wait for a graceful stop.
  if (options.exit_with_parent && ::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    std::perror("rollguard-demo-app: prctl(PR_SET_PDEATHSIG)");
    return 1;
  }

  try {
    DemoApp app(options);
    Server server(app);
    const auto endpoint = server.listen(options.listen_address, options.port);
    // Callers read this line to learn the port; it is the only thing written to stdout.
    std::cout << "listening on " << endpoint << std::endl;
    server.run(options.threads);
  } catch (const std::exception& e) {
    std::cerr << "rollguard-demo-app: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
