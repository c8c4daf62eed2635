#include "health/providers/web/web_provider.hpp"

#include <charconv>
#include <optional>
#include <utility>

#include "health/net/http_fetch.hpp"
#include "health/text.hpp"

namespace rollguard {

namespace {

using nlohmann::json;

std::optional<double> number_in(const json& node) {
  if (node.is_number()) return node.get<double>();
  if (!node.is_string()) return std::nullopt;
  std::string_view text = node.get_ref<const std::string&>();
  if (text.starts_with('+')) text.remove_prefix(1);  // from_chars takes no '+'
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string kind_of(const json& node) {
  if (node.is_string()) return "a non-numeric string";
  return std::string("a JSON ") + node.type_name();
}

}  // namespace

MetricReading web_reading(const json& doc, const JsonPath& path) {
  const std::vector<const json*> matches = path.select(doc);
  if (matches.empty())
    return MetricReading::failure("jsonPath " + path.text() + " matched nothing");
  MetricReading r;
  r.is_list = !path.is_definite();
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const auto value = number_in(*matches[i]);
    if (!value) {
      std::string where = "jsonPath " + path.text();
      if (r.is_list) where += " match " + std::to_string(i);
      return MetricReading::failure(where + " is " + kind_of(*matches[i]) + ", not a number");
    }
    r.value.push_back(*value);
  }
  return r;
}

WebProvider::WebProvider(WebMetric metric, SecretSource secrets)
    : metric_(std::move(metric)),
      secrets_(std::move(secrets)),
      path_(JsonPath::parse(metric_.jsonPath)) {}

void WebProvider::read(const MetricQuery& query, std::function<void(MetricReading)> done) {
  if (const auto* bad = std::get_if<JsonPathError>(&path_)) {
    done(MetricReading::failure("jsonPath " + metric_.jsonPath + ": column " +
                                std::to_string(bad->column) + ": " + bad->message));
    return;
  }
  const Expanded url = expand_template(metric_.url, query);
  if (!url.ok()) {
    done(MetricReading::failure("web metric url: " + url.error));
    return;
  }
  FetchRequest request;
  request.url = url.text;
  request.timeout = metric_.timeout;
  std::vector<std::string> secrets;
  for (const auto& [name, value] : metric_.headers) {
    Expanded header = expand_template(value, query, &secrets_);
    if (!header.ok()) {
      done(MetricReading::failure("web metric header " + name + ": " + header.error));
      return;
    }
    request.headers.emplace_back(name, std::move(header.text));
    secrets.insert(secrets.end(), header.secrets.begin(), header.secrets.end());
  }

  http_fetch(request, [path = std::get<JsonPath>(path_), target = url.text,
                       secrets = std::move(secrets), done = std::move(done)](FetchResult r) {
    // Every reason goes through redact(): a server may echo a header back in its body.
    auto fail = [&](const std::string& reason) {
      done(MetricReading::failure(redact("web metric: " + reason, secrets)));
    };
    if (!r.ok()) return fail(r.error);
    if (r.status < 200 || r.status >= 300)
      return fail("HTTP " + std::to_string(r.status) + " from " + target + ": " +
                  excerpt(r.body, 200));
    const json doc = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return fail("bad JSON from " + target + ": " + excerpt(r.body, 200));
    MetricReading reading = web_reading(doc, path);
    if (!reading.ok()) return fail(reading.error + " in the document from " + target);
    done(std::move(reading));
  });
}

}  // namespace rollguard
