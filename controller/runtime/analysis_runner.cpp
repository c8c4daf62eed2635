#include "controller/runtime/analysis_runner.hpp"

#include <algorithm>
#include <boost/container/small_vector.hpp>

#include "health/synthetic/synthetic.hpp"

namespace rollguard {

struct AnalysisRunner::Active {
  AnalysisRequest request;
  AnalysisRun run;
  std::vector<bool> pending;  // a measurement in flight, per template
  std::vector<std::shared_ptr<MetricProvider>> providers;
  TimePoint sequential_fed_until{};
};

namespace {

// The role a template compares the canary with: `compare.against`, or the baseline for
// conditions over `baseline` without a compare.
std::optional<Role> compared_role(const CompiledTemplate& t) {
  if (t.spec.compare)
    return t.spec.compare->against == CompareAgainst::Baseline ? Role::Baseline : Role::Stable;
  const bool uses =
      (t.success && t.success->uses_baseline()) || (t.failure && t.failure->uses_baseline());
  return uses ? std::optional{Role::Baseline} : std::nullopt;
}

TimePoint bucket_floor(TimePoint t, Duration bucket) {
  return TimePoint{t.time_since_epoch() - t.time_since_epoch() % bucket};
}

}  // namespace

AnalysisRunner::AnalysisRunner(AnalysisEnvironment env, Progress on_progress,
                               Completed on_completed)
    : env_(std::move(env)),
      on_progress_(std::move(on_progress)),
      on_completed_(std::move(on_completed)),
      lifeline_(Lifeline::make(env_.post)) {}

AnalysisRunner::~AnalysisRunner() {
  lifeline_->cut();
}

std::vector<std::string> AnalysisRunner::running_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, active] : runs_) ids.push_back(id);
  return ids;
}

void AnalysisRunner::start(const AnalysisRequest& request, TimePoint now) {
  if (runs_.contains(request.id)) return;
  auto started = AnalysisRun::start(*env_.spec, request.id, request.templates, now, request.endsAt);
  if (auto* error = std::get_if<std::string>(&started)) {
    on_completed_(request.id, Verdict::Error, *error);
    return;
  }
  auto active = std::make_unique<Active>(
      Active{request, std::get<AnalysisRun>(std::move(started)), {}, {}, now});
  for (const TemplateRun& t : active->run.templates()) {
    const auto& metric = t.compiled().spec.metric;
    const auto external = metric ? external_metric(*metric) : std::nullopt;
    active->providers.push_back(external ? env_.make_provider(*external) : nullptr);
    active->pending.push_back(false);
  }
  if (env_.outcomes) {
    active->sequential_fed_until = bucket_floor(now, env_.outcomes->batch());
  }
  runs_[request.id] = std::move(active);
}

std::vector<TemplateProgress> AnalysisRunner::progress() const {
  std::vector<TemplateProgress> all;
  for (const auto& [id, active] : runs_)
    for (const TemplateRun& t : active->run.templates())
      all.push_back({id, t.name(), t.measured(), t.last(), t.verdict()});
  return all;
}

void AnalysisRunner::stop(const std::string& id) {
  runs_.erase(id);
}

std::optional<TimePoint> AnalysisRunner::next_due() const {
  std::optional<TimePoint> due;
  auto earlier = [&](std::optional<TimePoint> t) {
    if (t && (!due || *t < *due)) due = t;
  };
  for (const auto& [id, active] : runs_) {
    for (std::size_t i = 0; i < active->run.templates().size(); ++i) {
      const TemplateRun& t = active->run.templates()[i];
      if (!active->pending[i]) earlier(t.next_due());
      // The sequential judge looks at each batch that may hold evidence as soon as it is
      // whole (live: every batch).
      if (env_.outcomes && t.is_sequential() && !t.verdict())
        earlier(env_.outcomes->next_evidence(Role::Canary, *compared_role(t.compiled()),
                                             active->sequential_fed_until));
    }
    earlier(active->request.endsAt);
  }
  return due;
}

void AnalysisRunner::poll(TimePoint now) {
  // The ids first: a measurement's callbacks may start and stop runs. Rarely more than two,
  // and this runs every second of a simulated hour, so they stay off the heap.
  boost::container::small_vector<std::string, 4> ids;
  for (const auto& [id, active] : runs_) ids.push_back(id);
  for (const std::string& id : ids) {
    auto it = runs_.find(id);
    if (it == runs_.end()) continue;
    Active* a = it->second.get();
    feed_sequential(*a, now);
    for (std::size_t i = 0; a && i < a->run.templates().size(); ++i) {
      auto due = a->run.templates()[i].next_due();
      if (a->pending[i] || !due || *due > now) continue;
      measure(*a, i, *due);
      // It may have concluded the run, which removes it: look it up again.
      it = runs_.find(id);
      a = it == runs_.end() ? nullptr : it->second.get();
    }
    if (a && a->request.endsAt && now >= *a->request.endsAt) a->run.end();
    if (a) settle(id);
  }
}

void AnalysisRunner::measure(Active& active, std::size_t index, TimePoint now) {
  if (active.run.templates()[index].compiled().spec.synthetic)
    return measure_synthetic(active, index, now);
  measure_metric(active, index, now);
}

void AnalysisRunner::measure_metric(Active& active, std::size_t index, TimePoint now) {
  const TemplateRun& run = active.run.templates()[index];
  const CompiledTemplate& t = run.compiled();
  const Duration window = t.spec.interval.value_or(1min);
  const std::optional<Role> other = compared_role(t);
  const std::string id = active.request.id;

  if (const auto* builtin = std::get_if<BuiltinMetric>(&*t.spec.metric)) {
    MetricObservation in;
    if (!env_.outcomes) {
      in.canary =
          MetricReading::failure("no router outcomes: the builtin metric needs the builtin router");
      return record(id, index, judge_measurement(t, in, now));
    }
    const OutcomeSource& o = *env_.outcomes;
    in.canary = o.reading(Role::Canary, builtin->query, now, window);
    if (other) {
      in.compared = o.reading(*other, builtin->query, now, window);
      if (t.spec.compare && t.spec.compare->judge == JudgeKind::MannWhitney) {
        in.canary_samples = o.samples(Role::Canary, builtin->query, now, window);
        in.compared_samples = o.samples(*other, builtin->query, now, window);
      }
    }
    in.sequential = run.sequential_decision();
    return record(id, index, judge_measurement(t, in, now));
  }

  // Prometheus or web: one read for the canary, one for the compared role, then judge.
  active.pending[index] = true;
  auto finish = [this, lifeline = lifeline_, id, index, now](MetricObservation in) {
    lifeline->deliver([this, id, index, now, in = std::move(in)] {
      auto it = runs_.find(id);
      if (it == runs_.end()) return;
      record(id, index, judge_measurement(it->second->run.templates()[index].compiled(), in, now));
    });
  };
  // The second read starts on a provider thread: it holds its own reference to the provider
  // and copies of what it needs, in case the run is stopped meanwhile.
  std::shared_ptr<MetricProvider> provider = active.providers[index];
  MetricQuery canary{env_.spec->metadata.name, env_.canary_version, Role::Canary, window};
  MetricQuery compared{env_.spec->metadata.name, env_.stable_version, other.value_or(Role::Stable),
                       window};
  provider->read(canary, [provider, compared, other, finish](MetricReading reading) {
    MetricObservation in;
    in.canary = std::move(reading);
    if (!other) return finish(std::move(in));
    provider->read(compared, [finish, in = std::move(in)](MetricReading r) mutable {
      in.compared = std::move(r);
      finish(std::move(in));
    });
  });
}

void AnalysisRunner::measure_synthetic(Active& active, std::size_t index, TimePoint now) {
  const TemplateRun& run = active.run.templates()[index];
  const SyntheticSpec& spec = *run.compiled().spec.synthetic;
  const std::string id = active.request.id;
  const SyntheticTarget target = effective_target(spec, active.request.viaPreview);
  SyntheticCall call;
  call.vars = {{"name", env_.spec->metadata.name}, {"version", env_.canary_version}};
  if (target == SyntheticTarget::Preview) {
    call.endpoint = env_.router_endpoint;
    call.headers[env_.preview_header] = "1";
  } else {
    const Role role = target == SyntheticTarget::Stable     ? Role::Stable
                      : target == SyntheticTarget::Baseline ? Role::Baseline
                                                            : Role::Canary;
    call.endpoint = env_.endpoint_of ? env_.endpoint_of(role) : "";
    call.vars["role"] = std::string(to_string(role));
  }
  auto failed = [now](std::string reason) {
    Measurement m;
    m.at = now;
    m.verdict = Verdict::Failed;
    m.reason = "synthetic: " + std::move(reason);
    return m;
  };
  if (call.endpoint.empty() || !env_.synthetic) {
    Measurement m = failed("no endpoint to send the transaction to");
    m.verdict = Verdict::Error;
    return record(id, index, std::move(m));
  }
  active.pending[index] = true;
  env_.synthetic->run(spec, std::move(call),
                      [this, lifeline = lifeline_, id, index, failed](SyntheticResult result) {
                        lifeline->deliver([this, id, index, failed, result = std::move(result)] {
                          Measurement m = failed(result.reason);
                          if (result.ok) {
                            m.verdict = Verdict::Successful;
                            m.reason = "synthetic: every step met its expectations";
                          }
                          record(id, index, std::move(m));
                        });
                      });
}

void AnalysisRunner::feed_sequential(Active& active, TimePoint now) {
  if (!env_.outcomes) return;
  const OutcomeSource& o = *env_.outcomes;
  // Only whole buckets, each exactly once: a bucket still filling would be counted twice, and
  // so would one whose outcomes have not all arrived.
  const TimePoint until = bucket_floor(std::min(now, o.complete_until()), o.batch());
  if (until <= active.sequential_fed_until) return;
  const Duration span = until - active.sequential_fed_until;
  active.sequential_fed_until = until;
  for (TemplateRun& run : active.run.templates()) {
    if (!run.is_sequential()) continue;
    const Role other = *compared_role(run.compiled());
    std::vector<OutcomeBatch>& canary = canary_batches_;
    std::vector<OutcomeBatch>& compared = compared_batches_;
    o.batches(Role::Canary, until, span, canary);
    o.batches(other, until, span, compared);
    std::size_t c = 0, b = 0;
    while (c < canary.size() || b < compared.size()) {  // zip by bucket start
      const bool take_c =
          c < canary.size() && (b >= compared.size() || canary[c].start <= compared[b].start);
      const bool take_b =
          b < compared.size() && (c >= canary.size() || compared[b].start <= canary[c].start);
      const OutcomeBatch none{};
      const OutcomeBatch& cb = take_c ? canary[c] : none;
      const OutcomeBatch& bb = take_b ? compared[b] : none;
      run.observe_outcomes(cb.requests, cb.failures, bb.requests, bb.failures,
                           (take_c ? cb.start : bb.start) + o.batch());
      c += take_c;
      b += take_b;
    }
  }
}

void AnalysisRunner::record(const std::string& id, std::size_t index, Measurement m) {
  auto it = runs_.find(id);
  if (it == runs_.end()) return;
  it->second->pending[index] = false;
  if (env_.on_measurement)
    env_.on_measurement(id, it->second->run.templates()[index].compiled().spec.name, m);
  const bool successful = m.verdict == Verdict::Successful;
  it->second->run.templates()[index].record(std::move(m));
  on_progress_(id, successful);
  settle(id);
}

void AnalysisRunner::settle(const std::string& id) {
  auto it = runs_.find(id);
  if (it == runs_.end()) return;
  const std::optional<Verdict> verdict = it->second->run.verdict();
  if (!verdict) return;
  const std::string why = it->second->run.explanation();
  runs_.erase(it);  // before the callback, which may start or stop runs
  on_completed_(id, *verdict, why);
}

}  // namespace rollguard
