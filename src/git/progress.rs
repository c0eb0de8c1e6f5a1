//! Progress display for long git scans: a spinner while commits and trees
//! are enumerated, then a bar over unique blobs with bytes, rate and ETA.
//!
//! Drawn on stderr only when stderr is a terminal and the user did not ask
//! for `--no-progress`, so reports piped or redirected in CI stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A progress display that may be switched off; every method is a no-op then.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A display that draws only when `enabled` and stderr is a terminal.
    pub fn new(enabled: bool) -> Progress {
        let bar = (enabled && std::io::stderr().is_terminal())
            .then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()));
        Progress { bar }
    }

    /// A display that never draws (library callers, tests, benches).
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Switches to a spinner with a message (enumeration phase).
    pub fn spinner(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(message.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// Updates the spinner's message.
    pub fn message(&self, message: String) {
        if let Some(bar) = &self.bar {
            bar.set_message(message);
        }
    }

    /// Switches to a bar over `total` blobs (scan phase).
    pub fn blobs(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos}/{len} blobs, {msg} [{elapsed} elapsed, ETA {eta}]",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_length(total);
            bar.set_position(0);
            bar.set_message(String::new());
        }
    }

    /// Records `n` more blobs done; `bytes_total` and `rate` (MB/s) go into the message.
    pub fn advance(&self, n: u64, bytes_total: u64, elapsed: Duration) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
            let mb = bytes_total as f64 / 1e6;
            let rate = mb / elapsed.as_secs_f64().max(1e-3);
            bar.set_message(format!("{mb:.1} MB at {rate:.1} MB/s"));
        }
    }

    /// Removes the display from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_progress_draws_nothing_and_accepts_every_call() {
        let p = Progress::hidden();
        p.spinner("enumerating");
        p.message("x".into());
        p.blobs(10);
        p.advance(3, 100, Duration::from_secs(1));
        p.finish();
        assert!(p.bar.is_none());
    }
}
