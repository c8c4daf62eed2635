#pragma once
// Calls `f` with a default-constructed value of every alternative of a variant, with its
// index: registry tests walk every kind, so a kind added to a spec variant is tested at once.
#include <cstddef>
#include <utility>
#include <variant>

namespace rollguard::testing {

template <class Variant, class F>
void for_each_alternative(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, I>{}, std::variant_alternative_t<I, Variant>{}), ...);
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>{});
}

}  // namespace rollguard::testing
