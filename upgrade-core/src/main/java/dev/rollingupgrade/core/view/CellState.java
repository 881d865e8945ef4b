package dev.rollingupgrade.core.view;

import java.util.Objects;

/**
 * What one cell of a {@link HeatMap} shows about its instance. Each state has a one-letter code
 * (in the text form), a JSON name (in the JSON form and its {@code counts}) and a colour (in the
 * ANSI text form); these are part of the heat map's stable format.
 */
public enum CellState {
  /** At the target already when the run listed it: the run never touches it. Letter {@code C}, JSON {@code current}. */
  CURRENT('C', "current", "current", "36"),
  /**
   * Not at the target and not (yet) upgraded: waits for its batch, or is protected from
   * scale-set actions and stays as it is. Letter {@code O}, JSON {@code outOfDate}.
   */
  OUT_OF_DATE('O', "outOfDate", "out of date", "90"),
  /** Its batch runs and the upgrade call has not returned yet. Letter {@code U}, JSON {@code upgrading}. */
  UPGRADING('U', "upgrading", "upgrading", "34"),
  /**
   * The upgrade call returned; the run waits (within the health timeout) for the instance to
   * report healthy. Letter {@code W}, JSON {@code waitingForHealth}.
   */
  WAITING_FOR_HEALTH('W', "waitingForHealth", "waiting for health", "33"),
  /** Upgraded and reported healthy in time. Letter {@code H}, JSON {@code healthy}. */
  HEALTHY('H', "healthy", "healthy", "32"),
  /**
   * Failed (upgrade call failed, or no healthy signal in time) and not rolled back: no rollback
   * for this run, a rollback still under way, or a rollback that failed. Letter {@code F}, JSON
   * {@code failed}.
   */
  FAILED('F', "failed", "failed", "1;31"),
  /** Failed, and its change was undone. Letter {@code R}, JSON {@code rolledBack}. */
  ROLLED_BACK('R', "rolledBack", "rolled back", "35");

  private static final CellState[] ALL = values();

  private final char letter;
  private final String jsonName;
  private final String label;
  private final String ansiColour;

  CellState(char letter, String jsonName, String label, String ansiColour) {
    this.letter = letter;
    this.jsonName = jsonName;
    this.label = label;
    this.ansiColour = ansiColour;
  }

  /** The one-letter code of the text form, e.g. {@code W}. */
  public char letter() {
    return letter;
  }

  /** The name in the JSON form, e.g. {@code waitingForHealth}. */
  public String jsonName() {
    return jsonName;
  }

  /** The state in words, e.g. {@code waiting for health}. */
  public String label() {
    return label;
  }

  /** The SGR parameters of its colour in the ANSI text form, e.g. {@code 33} (yellow). */
  String ansiColour() {
    return ansiColour;
  }

  /**
   * The state with this JSON name.
   *
   * @throws IllegalArgumentException when no state has that name
   * @throws NullPointerException when {@code name} is null
   */
  public static CellState fromJsonName(String name) {
    Objects.requireNonNull(name, "name");
    for (CellState s : ALL) {
      if (s.jsonName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown heat map cell state '" + name + "'; expected one of current, "
        + "outOfDate, upgrading, waitingForHealth, healthy, failed, rolledBack");
  }
}
