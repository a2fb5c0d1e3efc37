package io.stratadb.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import org.junit.jupiter.api.Test;

class SeekBudgetTest {
  private static FileMetadata table(long number, long size) {
    return new FileMetadata(number, size, InternalKey.encode(new byte[] {1}, 1, ValueType.PUT),
        InternalKey.encode(new byte[] {9}, 1, ValueType.PUT));
  }

  @Test
  void allowanceIsOneSeekPer16KiBAndAtLeast100() {
    assertEquals(100, SeekBudget.allowance(table(1, 0)));
    assertEquals(100, SeekBudget.allowance(table(1, 100 * 16384L)));
    assertEquals(101, SeekBudget.allowance(table(1, 101 * 16384L)));
    assertEquals(2715, SeekBudget.allowance(table(1, 44_488_447L)));
  }

  @Test
  void aTableIsHandedOverWhenItsAllowanceRunsOut() {
    SeekBudget budget = new SeekBudget();
    FileMetadata small = table(7, 1000);
    for (int i = 0; i < 99; i++) {
      budget.charge(0, small);
    }
    assertFalse(budget.hasExhausted(), "99 of 100 wasted reads");
    budget.charge(0, small);
    assertTrue(budget.hasExhausted());
    SeekBudget.Exhausted taken = budget.takeExhausted();
    assertSame(small, taken.file());
    assertEquals(0, taken.level());
    assertNull(budget.takeExhausted(), "taken once");
    for (int i = 0; i < 99; i++) {
      budget.charge(0, small);
    }
    assertFalse(budget.hasExhausted(), "not offered on every further wasted read");
    budget.charge(0, small);
    assertSame(small, budget.takeExhausted().file(), "a table still there is offered again");
  }

  @Test
  void theFirstExhaustedTableWaitsAndAForgottenTableStartsAfresh() {
    SeekBudget budget = new SeekBudget();
    FileMetadata a = table(1, 0);
    FileMetadata b = table(2, 0);
    for (int i = 0; i < 100; i++) {
      budget.charge(1, a);
      budget.charge(2, b);
    }
    SeekBudget.Exhausted first = budget.takeExhausted();
    assertSame(a, first.file());
    assertEquals(1, first.level());
    assertNull(budget.takeExhausted(), "b ran out while a waited: offered after its next allowance");
    budget.forget(2);
    for (int i = 0; i < 99; i++) {
      budget.charge(2, b);
    }
    assertFalse(budget.hasExhausted(), "forgotten: its allowance starts again");
  }
}
