package org.fcgibridge.core.runner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Termination interrupts the runner's thread, but never inside a write of the connection: the interrupt waits. */
class RunnerTerminationTest {
    private final RunnerTermination termination = new RunnerTermination(1);

    @AfterEach
    void leave() {
        termination.leave(); // the test's thread keeps no interrupt
    }

    /** Terminates on another thread and waits for it; an interrupt that comes meanwhile stays with this thread. */
    private void terminateFromAnotherThread() {
        Thread other = new Thread(() -> termination.terminate("aborted"));
        other.start();
        boolean interrupted = false;
        while (other.isAlive()) {
            try {
                other.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anInterruptDuringAWriteWaitsUntilItIsDone() throws Exception {
        assertTrue(termination.enter(null));
        boolean marked = termination.beginIo();
        terminateFromAnotherThread();
        assertFalse(Thread.currentThread().isInterrupted(), "not inside the write");
        termination.endIo(marked);
        assertTrue(Thread.currentThread().isInterrupted(), "delivered once the write is done");
        assertThrows(InterruptedIOException.class, termination::beginIo, "the next write is refused");
    }

    @Test
    void theWriteThatEndsTheRequestGoesOnAfterTermination() throws Exception {
        assertTrue(termination.enter(null));
        terminateFromAnotherThread();
        assertTrue(Thread.interrupted(), "interrupted at once, outside a write");
        boolean marked = termination.beginEndingIo();
        assertTrue(marked, "the write is marked, not refused");
        termination.endIo(marked);
        assertFalse(Thread.currentThread().isInterrupted(), "the interrupt was delivered before: nothing more");
    }

    @Test
    void aTerminationDuringTheEndingWriteIsDeliveredAfterIt() throws Exception {
        assertTrue(termination.enter(null));
        boolean marked = termination.beginEndingIo();
        terminateFromAnotherThread();
        assertFalse(Thread.currentThread().isInterrupted());
        termination.endIo(marked);
        assertTrue(Thread.currentThread().isInterrupted());
    }
}
