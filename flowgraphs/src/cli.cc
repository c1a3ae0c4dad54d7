#include "cli.h"

#include <cstdio>
#include <sstream>

namespace groundlink::app {

Args::Args(std::string command, std::string summary, std::vector<OptionSpec> specs)
    : command_(std::move(command)), summary_(std::move(summary)), specs_(std::move(specs)) {}

const OptionSpec& Args::spec(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return s;
  throw UsageError("groundlink " + command_ + ": unknown option --" + name +
                   " (see groundlink " + command_ + " --help)");
}

bool Args::parse(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(help().c_str(), stdout);
      return false;
    }
    if (a.rfind("--", 0) != 0)
      throw UsageError("groundlink " + command_ + ": unexpected argument '" + a + "'");
    std::string name = a.substr(2), value;
    const auto eq = name.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec& s = spec(name);
    if (s.metavar.empty()) {
      if (inline_value) throw UsageError("--" + name + " takes no value");
      value = "1";
    } else if (!inline_value) {
      if (i + 1 >= argc) throw UsageError("--" + name + " needs a value (" + s.metavar + ")");
      value = argv[++i];
    }
    values_[name] = value;
  }
  return true;
}

bool Args::has(const std::string& name) const {
  spec(name);
  return values_.count(name) > 0;
}

std::string Args::get(const std::string& name) const {
  const OptionSpec& s = spec(name);
  auto it = values_.find(name);
  return it != values_.end() ? it->second : s.default_value;
}

double Args::get_double(const std::string& name) const {
  const std::string v = get(name);
  try {
    size_t pos = 0;
    double d = std::stod(v, &pos);
    if (pos != v.size()) throw std::invalid_argument(v);
    return d;
  } catch (const std::exception&) {
    throw UsageError("--" + name + ": '" + v + "' is not a number");
  }
}

long long Args::get_int(const std::string& name) const {
  const std::string v = get(name);
  try {
    size_t pos = 0;
    long long d = std::stoll(v, &pos);
    if (pos != v.size()) throw std::invalid_argument(v);
    return d;
  } catch (const std::exception&) {
    throw UsageError("--" + name + ": '" + v + "' is not an integer");
  }
}

std::string Args::help() const {
  std::ostringstream o;
  o << "usage: groundlink " << command_ << " [options]\n\n" << summary_ << "\n\noptions:\n";
  for (const auto& s : specs_) {
    std::string left = "  --" + s.name + (s.metavar.empty() ? "" : " " + s.metavar);
    o << left;
    if (left.size() < 28) o << std::string(28 - left.size(), ' ');
    else o << "\n" << std::string(28, ' ');
    o << s.help;
    if (!s.default_value.empty()) o << " (default: " << s.default_value << ")";
    o << "\n";
  }
  o << "  -h, --help                show this help\n";
  return o.str();
}

}  // namespace groundlink::app
