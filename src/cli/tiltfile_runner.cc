#include "cli/tiltfile_runner.h"

#include "tiltfile/tiltfile.h"
#include "watch/ignore.h"

namespace slant::cli {

ThreadTiltfileRunner::ThreadTiltfileRunner(engine::Loop& loop,
                                           std::vector<std::string> extension_dirs)
    : loop_(loop), extension_dirs_(std::move(extension_dirs)), worker_([this] { work(); }) {}

ThreadTiltfileRunner::~ThreadTiltfileRunner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
    if (running_) running_->cancel("slant is shutting down");
  }
  cv_.notify_all();
  worker_.join();
}

void ThreadTiltfileRunner::run(engine::TiltfileRequest request,
                               std::function<void(std::string_view line)> on_log,
                               std::function<void(engine::TiltfileResult result)> done) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Job{std::move(request), std::move(on_log), std::move(done)});
  }
  cv_.notify_all();
}

void ThreadTiltfileRunner::work() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    tiltfile::Options options;
    options.tiltfile = job.request.tiltfile;
    options.args = job.request.args;
    options.subcommand = job.request.subcommand;
    options.extension_dirs = extension_dirs_;
    // Lines cross to the loop thread one by one, in order (the loop runs posts in order).
    options.log = [this, on_log = job.on_log](std::string_view line) {
      loop_.post([on_log, l = std::string(line)] { on_log(l); });
    };
    options.on_thread = [this](starlark::Thread* t) {
      std::lock_guard lock(mu_);
      running_ = t;
    };
    tiltfile::LoadResult loaded = tiltfile::loadTiltfile(options);
    // .tiltignore next to the Tiltfile applies to every watch; it is a config file itself, so
    // that creating or editing it takes effect (as in Tilt).
    std::string tiltignore = watch::tiltignorePath(options.tiltfile);
    if (auto patterns = watch::readIgnoreFile(tiltignore)) {
      auto& ignore = loaded.project.settings.watch_ignore;
      ignore.insert(ignore.end(), patterns->begin(), patterns->end());
    } else {
      std::string warning = "WARNING: " + patterns.error();
      loop_.post([on_log = job.on_log, warning] { on_log(warning); });
    }
    loaded.project.config_files.push_back(tiltignore);
    engine::TiltfileResult result{std::move(loaded.project), std::move(loaded.error)};
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    loop_.post(
        [done = std::move(job.done), r = std::move(result)]() mutable { done(std::move(r)); });
  }
}

}  // namespace slant::cli
