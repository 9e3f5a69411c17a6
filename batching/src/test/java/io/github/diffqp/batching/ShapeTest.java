package io.github.diffqp.batching;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeTest {

    @Test
    void aShapeFitsInOneThatIsNoSmallerAndHasAVariableForEachAddedEqualityRow() {
        Shape s = new Shape(3, 4, 1);
        assertTrue(s.fitsIn(s));
        assertTrue(s.fitsIn(new Shape(3, 6, 1)));
        assertTrue(s.fitsIn(new Shape(4, 4, 2)));
        assertFalse(s.fitsIn(new Shape(3, 4, 2)), "an added equality row needs its own added variable");
        assertFalse(s.fitsIn(new Shape(2, 4, 1)));
        assertFalse(s.fitsIn(new Shape(3, 3, 1)));
        assertFalse(s.fitsIn(new Shape(4, 4, 0)));
    }

    @Test
    void theCoverIsTheSmallestShapeThatEveryShapeFitsIn() {
        Shape a = new Shape(3, 6, 1), b = new Shape(4, 0, 2), c = new Shape(2, 0, 0);
        Shape cover = Shape.cover(List.of(a, b, c));
        assertEquals(new Shape(4, 6, 2), cover); // (3,·,1) needs n ≥ 3 + 1; (2,·,0) needs n ≥ 2 + 2
        for (Shape s : List.of(a, b, c)) {
            assertTrue(s.fitsIn(cover), s.toString());
        }
        assertFalse(a.fitsIn(new Shape(3, 6, 2)));
        assertEquals(new Shape(5, 0, 3), Shape.cover(List.of(new Shape(2, 0, 0), new Shape(1, 0, 3))));
        assertEquals(b, Shape.cover(List.of(b)));
    }

    @Test
    void theCoverOfCoversIsTheCoverOfAll() {
        Shape a = new Shape(7, 2, 0), b = new Shape(3, 5, 3), c = new Shape(5, 1, 1);
        assertEquals(Shape.cover(List.of(a, b, c)), Shape.cover(List.of(Shape.cover(List.of(a, b)), c)));
        assertEquals(Shape.cover(List.of(a, b, c)), Shape.cover(List.of(a, Shape.cover(List.of(b, c)))));
    }

    @Test
    void refusesNegativeSizesAndAnEmptyCover() {
        assertThrows(IllegalArgumentException.class, () -> new Shape(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Shape.cover(List.of()));
        assertEquals("n=3, m=4, q=1", new Shape(3, 4, 1).toString());
    }
}
