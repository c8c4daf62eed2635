#pragma once
// How the client commands print what the controller answers: text for people, the JSON as
// it came (one object per line) with -o json. Events and the final summary go through the
// EventPrinter of `run`, so `apply --wait` and `status --watch` look like `run`.
#include <iosfwd>
#include <optional>
#include <string>

#include "controller/cli/client_http.hpp"
#include "controller/cli/event_printer.hpp"
#include "controller/service/rollout_service.hpp"

namespace rollguard::cli {

class ClientView {
 public:
  ClientView(std::ostream& out, std::ostream& err, bool json)
      : out_(out),
        err_(err),
        json_(json),
        printer_(out, json ? EventPrinter::Mode::Json : EventPrinter::Mode::Plain) {}

  // A refused request: prints the error (with the manifest position, labelled `file`) and
  // returns the exit code: 2 for 4xx (fix the request), 4 for 5xx (a person must act).
  int refused(const ClientResponse& r, const std::string& file);

  int applied(const ClientResponse& r);  // prints the outcome; returns the revision
  void list(const ClientResponse& r);
  void status(const ClientResponse& r);
  int revision_of(const ClientResponse& r);
  void history(const std::string& name, const ClientResponse& r);
  void acted(const std::string& verb, const std::string& name, const ClientResponse& r);

  void event(const std::string& name, const Event& e, const RolloutState& s) {
    printer_.event(name, e, s);
  }
  void summary(const std::string& name, const RolloutState& s, int exit_code) {
    printer_.summary(name, s, exit_code);
  }

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool json_;
  EventPrinter printer_;
};

// Follows `name` from revision `revision` on: prints its events (history first) until the
// revision ends, then the summary; returns run's exit code (3 when `timeout` ran out first,
// 4 when the controller went away). With `success_on_pause`, a pause step also ends the
// following, with 0: the rollout stays paused on the server for a later `promote`.
int follow(ApiClient& client, ClientView& view, const std::string& name, int revision,
           std::optional<Duration> timeout, bool success_on_pause = false);

bool read_text_file(const std::string& path, std::string& text);

}  // namespace rollguard::cli
