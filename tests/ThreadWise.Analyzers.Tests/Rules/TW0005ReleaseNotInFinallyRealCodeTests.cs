using System.Threading.Tasks;
using Xunit;
using Verify = ThreadWise.Analyzers.Tests.Verifiers.CSharpAnalyzerVerifier<ThreadWise.Analyzers.Rules.TW0005ReleaseNotInFinallyAnalyzer>;

namespace ThreadWise.Analyzers.Tests.Rules;

/// <summary>
/// TW0005 on shapes reduced from real thread-heavy code it had not seen (Hangfire, FASTER): what the code guarantees
/// that the rule has to model, and the twins that must still be reported.
/// </summary>
public class TW0005ReleaseNotInFinallyRealCodeTests
{
    [Fact]
    public Task NoDiagnostic_FinallyReleasesUnderANullTestOfTheLockAndNoFreePermit()
    {
        // Hangfire's SqlServerJobQueue.DequeueUsingSlidingInvisibilityTimeout: the semaphore that was waited on is not
        // null, and while this thread holds the only permit of a mutex-like semaphore none is free.
        const string source = """
            using System;
            using System.Collections.Concurrent;
            using System.Threading;

            class JobQueue
            {
                private static readonly ConcurrentDictionary<string, SemaphoreSlim> Semaphores = new();

                public object Dequeue(string queue, CancellationToken token)
                {
                    SemaphoreSlim semaphore = null;
                    try
                    {
                        semaphore = Semaphores.GetOrAdd(queue, _ => new SemaphoreSlim(1));
                        semaphore.Wait(token);
                        while (!token.IsCancellationRequested)
                        {
                            var job = Fetch(queue);
                            if (job != null) return job;
                            token.WaitHandle.WaitOne(100);
                        }
                    }
                    finally
                    {
                        if (semaphore != null && semaphore.CurrentCount == 0)
                        {
                            semaphore.Release();
                        }
                    }

                    return null;
                }

                public object DequeueNot(string queue, CancellationToken token)
                {
                    SemaphoreSlim semaphore = null;
                    try
                    {
                        semaphore = Semaphores.GetOrAdd(queue, _ => new SemaphoreSlim(1));
                        semaphore.Wait(token);
                        return Fetch(queue);
                    }
                    finally
                    {
                        if (semaphore is null || semaphore.CurrentCount != 0) { } else semaphore.Release();
                    }
                }

                private static object Fetch(string queue) => queue.Length > 3 ? queue : null;
            }
            """;
        return Verify.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public Task Reports_FinallyReleaseUnderATestOfAnotherSemaphoreOrAFreePermit()
    {
        const string source = """
            using System;
            using System.Threading;

            class JobQueue
            {
                private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);
                private readonly SemaphoreSlim _other = new SemaphoreSlim(1);

                public object Dequeue(string queue)
                {
                    {|#0:_gate.Wait()|};
                    try
                    {
                        {|#1:return Fetch(queue);|}
                    }
                    finally
                    {
                        if (_other.CurrentCount == 0) _gate.Release();
                    }
                }

                public object DequeueFree(string queue)
                {
                    {|#2:_gate.Wait()|};
                    try
                    {
                        {|#3:return Fetch(queue);|}
                    }
                    finally
                    {
                        if (_gate != null && _gate.CurrentCount > 0) _gate.Release();
                    }
                }

                private static object Fetch(string queue) => queue.Length > 3 ? queue : null;
            }
            """;
        return Verify.VerifyAnalyzerAsync(
            source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_gate", "the return at line 14 leaves it held"),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("_gate", "the return at line 27 leaves it held"));
    }

    [Fact]
    public Task NoDiagnostic_BenaphoreReleasedByTheAtomicDecrementOfItsCounter()
    {
        // FASTER's TcpNetworkSender.Throttle: the semaphore is waited on only when the atomic increment says the
        // throttle is full; the atomic decrement gives the slot back, and Release only wakes the next waiter. The twins:
        // a call that can throw before the decrement, and a decrement of another counter.
        const string source = """
            using System.Threading;

            class Sender
            {
                private const int ThrottleMax = 8;
                private readonly SemaphoreSlim _throttle = new SemaphoreSlim(0);
                private int _throttleCount;
                private int _other;

                public void Throttle()
                {
                    if (_throttleCount < ThrottleMax) return;
                    if (Interlocked.Increment(ref _throttleCount) > ThrottleMax)
                        _throttle.Wait();

                    if (Interlocked.Decrement(ref _throttleCount) >= ThrottleMax)
                        _throttle.Release();
                }

                public void ThrottleThroughALocal()
                {
                    var cnt = Interlocked.Increment(ref _throttleCount);
                    if (cnt < 0)
                    {
                        Interlocked.Decrement(ref _throttleCount);
                        return;
                    }

                    if (cnt > ThrottleMax)
                        _throttle.Wait();

                    if (Interlocked.Decrement(ref _throttleCount) >= ThrottleMax)
                        _throttle.Release();
                }

                public void ThrottleAndSend(System.IO.Stream stream)
                {
                    if (Interlocked.Increment(ref _throttleCount) > ThrottleMax)
                        {|#0:_throttle.Wait()|};

                    {|#1:stream.Flush()|};
                    if (Interlocked.Decrement(ref _throttleCount) >= ThrottleMax)
                        _throttle.Release();
                }

                public void ThrottleOther()
                {
                    if (Interlocked.Increment(ref _throttleCount) > ThrottleMax)
                        {|#2:_throttle.Wait()|};

                    if ({|#3:Interlocked.Decrement(ref _other) >= ThrottleMax|})
                        _throttle.Release();
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(
            source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_throttle", "an exception from 'stream.Flush()' at line 41 leaves it held"),
            Verify.Diagnostic().WithLocation(2).WithLocation(3).WithArguments("_throttle", "a path that leaves after line 51 never releases it"));
    }

    [Fact]
    public Task NoDiagnostic_DebugAssertBetweenEnterAndExit()
    {
        // FASTER's LightConcurrentStack: Debug.Assert is not in a release build, and a failed one ends the process
        // without running finally blocks; the twin calls a method that can throw.
        const string source = """
            using System.Diagnostics;
            using System.Threading;

            class LightStack
            {
                private readonly string[] _stack = new string[128];
                private int _tail;
                private SpinLock _latch;

                public bool TryCount(out int count)
                {
                    var lockTaken = false;
                    _latch.Enter(ref lockTaken);
                    Debug.Assert(lockTaken);
                    if (_tail == 0)
                    {
                        _latch.Exit();
                        count = 0;
                        return false;
                    }

                    count = _tail;
                    _latch.Exit();
                    return true;
                }

                public bool TryCountTraced(out int count)
                {
                    var lockTaken = false;
                    {|#0:_latch.Enter(ref lockTaken)|};
                    {|#1:Trace.WriteLine(_tail.ToString())|};
                    count = _tail;
                    _latch.Exit();
                    return true;
                }
            }
            """;
        return Verify.VerifyAnalyzerAsync(
            source,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithArguments("_latch", "an exception from 'Trace.WriteLine(_tail.ToString())' at line 31 leaves it held"));
    }
}
