package io.github.diffqp.cpu;

import io.github.diffqp.solver.backend.BackendProvider;
import io.github.diffqp.solver.backend.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendSelectionTest {
    @Test
    void cpuIsFoundByServiceLoaderAndChosenByAuto() {
        assertTrue(Backends.all().stream().anyMatch(p -> p.name().equals("cpu")));
        BackendProvider chosen = Backends.select("cpu");
        assertEquals("cpu", chosen.name());
        assertTrue(chosen.availability().usable());
        // With only the CPU backend on this module's class path, auto must pick it.
        assertEquals("cpu", Backends.select("auto").name());
    }

    @Test
    void unknownBackendIsRefusedWithTheKnownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu"));
        assertEquals("unknown backend 'tpu'; known: cpu, auto", e.getMessage());
    }

    @Test
    void namesAreMatchedInAnyCase() {
        assertEquals("cpu", Backends.select("CPU").name());
        assertEquals("cpu", Backends.select("Auto").name());
    }
}
