#include "doppler.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cli.h"
#include "sigmf.h"

namespace groundlink::app {
namespace {

bool parse_double(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(v);
}

}  // namespace

std::vector<std::pair<double, double>> load_doppler_table(const std::string& path,
                                                          const framing::Timestamp& pass_start) {
  std::ifstream f(path);
  if (!f) throw UsageError("Doppler prediction '" + path + "': cannot be read");
  std::vector<std::pair<double, double>> table;
  std::string line;
  for (int no = 1; std::getline(f, line); ++no) {
    const auto where = [&] { return "Doppler prediction " + path + ":" + std::to_string(no) + ": "; };
    if (const auto h = line.find('#'); h != std::string::npos) line.erase(h);
    for (char& c : line)
      if (c == ',' || c == ';' || c == '\t' || c == '\r') c = ' ';
    std::istringstream ss(line);
    std::string ts, fs, extra;
    if (!(ss >> ts)) continue;  // blank or comment line
    if (!(ss >> fs) || (ss >> extra)) throw UsageError(where() + "expected 'time frequency_hz'");
    double t = 0.0, hz = 0.0;
    if (ts.find('T') != std::string::npos) {
      framing::Timestamp at;
      try {
        at = parse_iso8601(ts);
      } catch (const std::exception& e) {
        throw UsageError(where() + "time '" + ts + "': " + e.what());
      }
      t = static_cast<double>(at.seconds - pass_start.seconds) +
          static_cast<double>(at.picoseconds - pass_start.picoseconds) * 1e-12;
    } else if (!parse_double(ts, t)) {
      throw UsageError(where() + "time '" + ts + "' is neither seconds nor an ISO 8601 UTC instant");
    }
    if (!parse_double(fs, hz)) throw UsageError(where() + "frequency '" + fs + "' is not a finite number of Hz");
    if (!table.empty() && !(t > table.back().first))
      throw UsageError(where() + "times must increase strictly (" + std::to_string(t) + " s after " +
                       std::to_string(table.back().first) + " s)");
    table.emplace_back(t, hz);
  }
  if (table.empty()) throw UsageError("Doppler prediction '" + path + "': no 'time frequency_hz' lines");
  return table;
}

std::vector<double> parse_doppler_poly(const std::string& text) {
  std::vector<double> c;
  std::string term;
  std::istringstream ss(text);
  while (std::getline(ss, term, ',')) {
    double v = 0.0;
    while (!term.empty() && term.front() == ' ') term.erase(term.begin());
    while (!term.empty() && term.back() == ' ') term.pop_back();
    if (!parse_double(term, v))
      throw UsageError("--doppler-poly: term " + std::to_string(c.size()) + " '" + term +
                       "' is not a finite number (Hz, Hz/s, Hz/s^2, ...)");
    c.push_back(v);
  }
  if (c.empty() || c.size() > 8) throw UsageError("--doppler-poly: 1 to 8 comma-separated coefficients");
  return c;
}

}  // namespace groundlink::app
