#include "health/providers/builtin/outcome_wire.hpp"

namespace rollguard {
namespace {

using Json = nlohmann::json;

std::int64_t millis_since_epoch(TimePoint t) {
  return t.time_since_epoch().count();
}

Role role_named(const std::string& name) {
  for (Role r : kRoles)
    if (to_string(r) == name) return r;
  throw std::invalid_argument("unknown role \"" + name + "\"");
}

}  // namespace

Json outcome_slice_json(const OutcomeSlice& slice) {
  Json totals = Json::object();
  for (Role r : kRoles) {
    const RoleTotals& t = slice.totals[static_cast<std::size_t>(r)];
    totals[std::string(to_string(r))] = {{"requests", t.requests},
                                         {"failures", t.failures},
                                         {"connectionErrors", t.connection_errors}};
  }
  Json outcomes = Json::array();
  for (const RequestOutcome& o : slice.outcomes)
    outcomes.push_back(Json::array({std::string(to_string(o.role)), millis_since_epoch(o.at),
                                    o.status, o.latency.count(), o.connection_error}));
  return Json{
      {"now", millis_since_epoch(slice.now)}, {"last", slice.last}, {"skipped", slice.skipped},
      {"recorded", slice.recorded},           {"totals", totals},   {"outcomes", outcomes}};
}

std::variant<OutcomeSlice, std::string> outcome_slice_from_json(const Json& answer) {
  try {
    OutcomeSlice s;
    s.now = TimePoint(Duration(answer.at("now").get<std::int64_t>()));
    s.last = answer.at("last").get<std::uint64_t>();
    s.skipped = answer.at("skipped").get<std::uint64_t>();
    s.recorded = answer.at("recorded").get<std::uint64_t>();
    for (Role r : kRoles) {
      const Json& t = answer.at("totals").at(std::string(to_string(r)));
      s.totals[static_cast<std::size_t>(r)] = {t.at("requests").get<std::int64_t>(),
                                               t.at("failures").get<std::int64_t>(),
                                               t.at("connectionErrors").get<std::int64_t>()};
    }
    for (const Json& o : answer.at("outcomes")) {
      RequestOutcome out;
      out.role = role_named(o.at(0).get<std::string>());
      out.at = TimePoint(Duration(o.at(1).get<std::int64_t>()));
      out.status = o.at(2).get<int>();
      out.latency = Duration(o.at(3).get<std::int64_t>());
      out.connection_error = o.at(4).get<bool>();
      s.outcomes.push_back(out);
    }
    if (s.outcomes.size() > s.last) return std::string("more outcomes than their numbers");
    return s;
  } catch (const std::exception& e) {
    return std::string("not a stats answer: ") + e.what();
  }
}

}  // namespace rollguard
