"""Progress bars and a clean stop on Ctrl-C for loops that run in slices.

A fit or a minimize() run calls its C++ loop in slices of about 0.1 s; between slices, this
module draws a progress bar (epochs, loss) and notices Ctrl-C, so the loop can stop at a
slice boundary with its parameters intact instead of losing them to a KeyboardInterrupt::

    with Progress(total=max_iter, desc="LinearRegression", unit="epoch",
                  verbose=verbose) as progress:
        while status == "running":
            status, losses = run_slice(...)
            progress.update(len(losses), loss=losses[-1])
            if progress.interrupted:
                break
    # store the parameters reached, then report the interruption:
    # an estimator re-raises (progress.raise_if_interrupted()), so the caller's Ctrl-C still
    # stops their program but the estimator holds the partial fit; minimize() returns a
    # result saying it was interrupted.

The bar is tqdm's, drawn on stderr; it appears only when ``verbose`` asks for it (or, with
``verbose=None``, when stderr is a terminal), when tqdm is installed, and only once the loop
has run for ``delay`` seconds, so short runs print nothing.

Ctrl-C is caught from the start of the block, also for a lazy one (whose bar waits for the
first update): a KeyboardInterrupt raised while the C++ loop runs would surface wherever the
main thread next runs Python code, and when that is a finalizer or a weakref callback (which
a garbage collection can run at any allocation), Python prints "Exception ignored" and drops
it, so the loop would run on.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType, TracebackType
from typing import Any

__all__ = ["Progress", "wants_bar"]

try:  # the C functions behind signal.getsignal and signal.signal, without the wrappers' enum
    # conversion, which raises and catches a ValueError for a function handler (~10x the cost)
    from _signal import getsignal as _getsignal  # type: ignore[import-not-found]
    from _signal import signal as _setsignal
except ImportError:  # (an interpreter without them)
    _getsignal, _setsignal = signal.getsignal, signal.signal

# Seconds a loop must run before its bar appears, and the least seconds between redraws.
DELAY_SECONDS = 1.0
MIN_INTERVAL_SECONDS = 0.1


def wants_bar(verbose: object, stream: Any = None) -> bool:
    """Whether to draw a bar: ``verbose`` true (an int > 0 or True), or None and ``stream``
    (default: sys.stderr) a terminal; and tqdm importable."""
    stream = sys.stderr if stream is None else stream
    if verbose is None:
        isatty = getattr(stream, "isatty", None)
        wanted = bool(isatty is not None and isatty())
    else:
        wanted = bool(verbose)
    if not wanted:
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


class Progress:
    """A context manager around a sliced loop: an optional tqdm bar and a Ctrl-C flag.

    Parameters
    ----------
    total : int or None
        Units of work the loop will do at most (e.g. ``max_iter`` epochs), for the bar.
    desc : str
        The bar's label.
    unit : str, default="it"
        What one unit of work is called.
    verbose : bool, int or None, default=None
        True/1: draw the bar; False/0: never; None: when stderr is a terminal.
    catch_interrupt : bool, default=True
        While the block runs (in the main thread), the first Ctrl-C sets ``interrupted``
        instead of raising KeyboardInterrupt; a second one raises at once.
    delay : float or None, default=None
        Seconds the loop must run before the bar appears (None: ``DELAY_SECONDS``).
    mininterval : float or None, default=None
        Least seconds between two redraws of the bar (None: ``MIN_INTERVAL_SECONDS``).
    lazy : bool, default=False
        Set up the bar at the first ``update``, not at the start of the block: a loop done
        before its first update (a fit of one slice) pays nothing for it. Ctrl-C is caught from
        the start of the block either way.

    Attributes
    ----------
    interrupted : bool
        Whether Ctrl-C was pressed inside the block.
    n : int
        Units done so far (the sum of ``update`` counts).
    """

    def __init__(
        self,
        total: int | None,
        desc: str,
        unit: str = "it",
        verbose: bool | int | None = None,
        catch_interrupt: bool = True,
        delay: float | None = None,
        mininterval: float | None = None,
        lazy: bool = False,
    ) -> None:
        self.total = total
        self.desc = desc
        self.unit = unit
        self.delay = DELAY_SECONDS if delay is None else delay
        self.mininterval = MIN_INTERVAL_SECONDS if mininterval is None else mininterval
        self.verbose = verbose
        self.catch_interrupt = catch_interrupt
        self.lazy = lazy
        self.interrupted = False
        self.n = 0
        self._started = False
        self._bar: Any = None
        self._previous_handler: Any = None

    def __enter__(self) -> Progress:
        if self.catch_interrupt and _getsignal(signal.SIGINT) is signal.default_int_handler:
            try:
                self._previous_handler = _setsignal(signal.SIGINT, self._on_interrupt)
            except ValueError:  # (not the main thread, whose Ctrl-C this is not)
                pass
        if not self.lazy:
            self._start()
        return self

    def _start(self) -> None:
        """Draw the bar (if wanted), once."""
        self._started = True
        if wants_bar(self.verbose):
            from tqdm import tqdm

            self._bar = tqdm(
                total=self.total,
                desc=self.desc,
                unit=self.unit,
                delay=self.delay,
                mininterval=self.mininterval,
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
            )

    @property
    def started(self) -> bool:
        """Whether the bar is set up, if wanted (at once, or with ``lazy`` at the first
        update)."""
        return self._started

    def _on_interrupt(self, signum: int, frame: FrameType | None) -> None:
        if self.interrupted:
            raise KeyboardInterrupt
        self.interrupted = True
        if self._bar is not None:
            self._bar.set_description(f"{self.desc} (stopping: Ctrl-C)")

    def update(self, n: int = 1, **postfix: float) -> None:
        """Count ``n`` more units of work; ``postfix`` values (e.g. ``loss=0.5``) are shown."""
        self.n += n
        if not self._started:
            self._start()
        if self._bar is not None:
            if postfix:
                self._bar.set_postfix({k: f"{v:.4g}" for k, v in postfix.items()}, refresh=False)
            self._bar.update(n)

    def raise_if_interrupted(self, message: str = "") -> None:
        """Raise KeyboardInterrupt (with ``message``, e.g. what was kept) if Ctrl-C was
        pressed in the block (call it after storing the partial result)."""
        if self.interrupted:
            raise KeyboardInterrupt(message) if message else KeyboardInterrupt

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._previous_handler is not None:
            _setsignal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None
