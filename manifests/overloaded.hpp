#pragma once
// The overload set for std::visit: one lambda per alternative, so that a variant alternative
// nobody handles is a compile error rather than a default branch.
namespace rollguard {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace rollguard
