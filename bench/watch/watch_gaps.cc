// watch_gaps: how far apart in time are the file events of one user-level operation (an editor's
// save, a `git checkout`, a `cp -r`), as slant's watcher sees them? The debounce window must be
// longer than the longest gap inside one operation, or the operation becomes two updates.
//
//   watch_gaps --dir DIR [--ignore PATTERN ...] --runs N [--settle-ms MS]
//              (--cmd 'SHELL COMMAND' ... | --save FILE) [--label NAME] [--trace]
//
// Watches DIR (recursively, with the built-in ignores: .git/, editor temporary files), then runs
// the operation N times (the --cmd commands in turn, "{run}" replaced by the run's number; or an
// emulated "safe save" of FILE: write FILE.tmp and fsync it, rename it over FILE, chmod FILE).
// Every change the watcher accepts is timestamped as it arrives, before debouncing; after each
// run it waits --settle-ms (default 1000) for stragglers. Prints per run the number of changes,
// the spread (first to last) and the largest gap, then, for a range of windows, how many runs a
// window of that length would have split into more than one batch. --trace also prints each
// change with its time since the run's first one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "engine/asio_loop.h"
#include "watch/inotify_watcher.h"

namespace {

using namespace std::chrono;
using slant::engine::Clock;

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "watch_gaps: %s\nusage: watch_gaps --dir DIR [--ignore PATTERN ...] --runs N "
               "[--settle-ms MS] (--cmd CMD ... | --save FILE) [--label NAME]\n",
               why);
  std::exit(2);
}

// An editor's "safe write", as VS Code, JetBrains IDEs and many tools do it.
void safeSave(const std::string& file, int run) {
  std::string tmp = file + ".tmp";
  int fd = ::open(tmp.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror(tmp.c_str());
    std::exit(1);
  }
  std::string text(4096, 'x');
  text += std::to_string(run) + "\n";
  if (::write(fd, text.data(), text.size()) < 0) std::perror("write");
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), file.c_str()) != 0) std::perror("rename");
  ::chmod(file.c_str(), 0644);
}

std::string substitute(std::string cmd, int run) {
  for (std::size_t at; (at = cmd.find("{run}")) != std::string::npos;) {
    cmd.replace(at, 5, std::to_string(run));
  }
  return cmd;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(i == 0 ? 0 : i - 1, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  std::string save;
  std::string label = "run";
  std::vector<std::string> cmds;
  std::vector<std::string> ignore;
  int runs = 10;
  int settle_ms = 1000;
  bool trace = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--dir") {
      dir = next();
    } else if (a == "--ignore") {
      ignore.push_back(next());
    } else if (a == "--runs") {
      runs = std::stoi(next());
    } else if (a == "--settle-ms") {
      settle_ms = std::stoi(next());
    } else if (a == "--cmd") {
      cmds.push_back(next());
    } else if (a == "--save") {
      save = next();
    } else if (a == "--trace") {
      trace = true;
    } else if (a == "--label") {
      label = next();
    } else {
      usage(("unknown argument " + a).c_str());
    }
  }
  if (dir.empty() || (cmds.empty() == save.empty())) usage("need --dir and one of --cmd, --save");

  slant::engine::AsioLoop loop;
  auto created = slant::watch::InotifyWatcher::create(loop);
  if (!created) {
    std::fprintf(stderr, "watch_gaps: %s\n", created.error().c_str());
    return 1;
  }
  auto& watcher = **created;
  watcher.setErrorHandler([](slant::engine::WatchId, std::string message) {
    std::fprintf(stderr, "watch_gaps: watch error: %s\n", message.c_str());
  });
  std::vector<Clock::time_point> stamps;
  std::vector<std::string> paths;
  watcher.setChangeObserver([&](slant::engine::WatchId, std::string_view path) {
    stamps.push_back(Clock::now());
    if (trace) paths.emplace_back(path);
  });
  // Batches are not what we measure here; a window longer than any run keeps them out of the way.
  watcher.watch(slant::engine::WatchSpec{{dir}, ignore}, hours(1), [](std::vector<std::string>) {});
  auto run = [&](auto&& done) {
    while (!done()) {
      if (loop.io().stopped()) loop.io().restart();
      loop.io().run_one_for(milliseconds(20));
    }
  };
  bool settled = false;
  watcher.whenSettled([&] { settled = true; });
  run([&] { return settled; });

  const std::vector<int> windows = {5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200};
  std::vector<int> split_runs(windows.size(), 0);
  std::vector<double> all_max_gaps;
  std::vector<double> all_gaps;
  std::printf("# %s: %d runs\n# run  changes  spread_ms  max_gap_ms  p99_gap_ms\n", label.c_str(),
              runs);
  for (int r = 0; r < runs; ++r) {
    stamps.clear();
    paths.clear();
    std::atomic<bool> finished = false;
    std::thread worker([&] {
      if (!save.empty()) {
        safeSave(save, r);
      } else {
        std::string cmd = substitute(cmds[static_cast<std::size_t>(r) % cmds.size()], r);
        if (std::system(cmd.c_str()) != 0)
          std::fprintf(stderr, "watch_gaps: failed: %s\n", cmd.c_str());
      }
      finished = true;
      loop.post([] {});  // wake the loop
    });
    run([&] { return finished.load(); });
    worker.join();
    auto until = Clock::now() + milliseconds(settle_ms);
    run([&] { return Clock::now() >= until; });

    std::vector<double> gaps;
    for (std::size_t k = 1; k < stamps.size(); ++k) {
      gaps.push_back(duration<double, std::milli>(stamps[k] - stamps[k - 1]).count());
    }
    double spread =
        stamps.empty() ? 0 : duration<double, std::milli>(stamps.back() - stamps.front()).count();
    double max_gap = gaps.empty() ? 0 : *std::max_element(gaps.begin(), gaps.end());
    std::printf("%5d  %7zu  %9.1f  %10.2f  %10.2f\n", r, stamps.size(), spread, max_gap,
                percentile(gaps, 99));
    for (std::size_t k = 0; trace && k < stamps.size(); ++k) {
      std::printf("       +%8.2f ms  %s\n",
                  duration<double, std::milli>(stamps[k] - stamps.front()).count(),
                  paths[k].c_str());
    }
    all_max_gaps.push_back(max_gap);
    all_gaps.insert(all_gaps.end(), gaps.begin(), gaps.end());
    for (std::size_t w = 0; w < windows.size(); ++w) {
      if (max_gap > windows[w]) ++split_runs[w];
    }
  }
  std::printf(
      "%s_max_gap_ms: %.2f\n%s_median_of_max_gaps_ms: %.2f\n%s_p99_gap_ms: %.2f\n", label.c_str(),
      all_max_gaps.empty() ? 0 : *std::max_element(all_max_gaps.begin(), all_max_gaps.end()),
      label.c_str(), percentile(all_max_gaps, 50), label.c_str(), percentile(all_gaps, 99));
  std::printf("# window_ms  runs_split_into_more_than_one_batch (of %d)\n", runs);
  for (std::size_t w = 0; w < windows.size(); ++w) {
    std::printf("%s_split_at_%dms: %d\n", label.c_str(), windows[w], split_runs[w]);
  }
  return 0;
}
