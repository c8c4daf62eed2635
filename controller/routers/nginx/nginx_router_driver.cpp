#include "controller/routers/nginx/nginx_router_driver.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "controller/os/atomic_file.hpp"
#include "controller/os/process_failure.hpp"
#include "controller/routers/nginx/nginx_upstream.hpp"
#include "health/process/subprocess.hpp"

namespace rollguard {

namespace {

class NginxApply : public std::enable_shared_from_this<NginxApply> {
 public:
  NginxApply(const NginxRouter& spec, const NginxRouterOptions& options, SerialJobs::Strand strand,
             RouteTable table, std::function<void(std::string)> done)
      : spec_(spec),
        options_(options),
        strand_(std::move(strand)),
        table_(std::move(table)),
        done_(std::move(done)) {}

  void start() {
    const std::string name = nginx_upstream_name(spec_.upstreamFile);
    if (name.empty())
      return finish("the file name must start with the upstream's name (letters, digits, _ -)");
    auto rendered = render_nginx_upstream(name, table_);
    if (!rendered.error.empty()) return finish(rendered.error);
    content_ = std::move(rendered.text);
    previous_ = read_file(spec_.upstreamFile);
    if (auto error = write_file_atomically(spec_.upstreamFile, content_); !error.empty())
      return finish(error);
    if (auto test = nginx_test_argv(spec_.reload)) return run_test(*test);
    reload();
  }

 private:
  void run_test(const Argv& test) {
    run(test, [self = shared_from_this(), test](const ProcessResult& result) {
      if (result.succeeded()) return self->reload();
      const std::string why = describe_process_failure(test, result, self->options_.timeout);
      const std::string restore = self->restore_previous();
      self->finish(restore.empty()
                       ? "config test did not pass, previous upstream file restored: " + why
                       : "config test did not pass and the previous upstream file could not be "
                         "restored (" +
                             restore + "): " + why);
    });
  }

  void reload() {
    run(spec_.reload, [self = shared_from_this()](const ProcessResult& result) {
      if (!result.succeeded())
        return self->finish("reload failed: " + describe_process_failure(self->spec_.reload, result,
                                                                         self->options_.timeout));
      const auto now = read_file(self->spec_.upstreamFile);
      if (now != self->content_)
        return self->finish("the upstream file changed while nginx was reloading it");
      self->finish("");
    });
  }

  std::string restore_previous() {
    if (previous_) return write_file_atomically(spec_.upstreamFile, *previous_);
    if (::unlink(spec_.upstreamFile.c_str()) != 0)
      return std::string("cannot remove the new file: ") + std::strerror(errno);
    return "";
  }

  void run(const Argv& argv, std::function<void(const ProcessResult&)> then) {
    run_process(strand_, ProcessSpec{argv, {}, 4096}, options_.timeout,
                [then = std::move(then)](ProcessResult result) { then(result); });
  }

  void finish(const std::string& error) {
    done_(error.empty() ? "" : "nginx " + spec_.upstreamFile + ": " + error);
  }

  NginxRouter spec_;
  NginxRouterOptions options_;
  SerialJobs::Strand strand_;
  RouteTable table_;
  std::string content_;
  std::optional<std::string> previous_;
  std::function<void(std::string)> done_;
};

}  // namespace

NginxRouterDriver::NginxRouterDriver(NginxRouter spec, boost::asio::any_io_executor executor,
                                     NginxRouterOptions options)
    : spec_(std::move(spec)),
      options_(options),
      strand_(boost::asio::make_strand(executor)),
      jobs_(strand_) {}

void NginxRouterDriver::apply(const RouteTable& table,
                              std::function<void(std::string error)> done) {
  jobs_.submit([spec = spec_, options = options_, strand = strand_, table,
                done = std::move(done)](std::function<void()> finished) mutable {
    auto op = std::make_shared<NginxApply>(
        spec, options, strand, table,
        [done = std::move(done), finished = std::move(finished)](std::string error) {
          finished();
          done(std::move(error));
        });
    op->start();
  });
}

}  // namespace rollguard
