package dev.rollingupgrade.core.view;

import dev.rollingupgrade.core.plan.NaturalOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A scale set at a glance, as a run sees it at one moment: one {@link Row} per update domain
 * (ascending), one {@link Cell} per instance (in natural id order: {@code 2} before {@code 10}),
 * each with its zone and its {@link CellState}, and how many cells are in each state. A run gives
 * one at any moment ({@code RollingUpgradeRun.heatMap()}); before it has listed the instances the
 * map has no rows.
 *
 * <p>Two forms, both deterministic (the same map always gives the same characters):
 *
 * <ul>
 *   <li>{@link #toText(boolean)}: a header line, one line per update domain, each cell as its
 *       state's letter and the instance id ({@code @zone} for a zonal instance), padded to a common
 *       width, and a legend line with the counts. With {@code ansi}, each cell is coloured by its
 *       state. Control characters in ids and zones are written as a backslash, {@code u} and four hex
 *       digits, so an id cannot recolour or clear the terminal.
 *   <li>{@link #toJson()}: one line of JSON, its fields always in this order:
 *       <pre>{@code
 * {"scaleSet":"web","runId":"r1","time":"2026-01-01T00:04:30Z",
 *  "counts":{"current":0,"outOfDate":12,"upgrading":1,"waitingForHealth":1,"healthy":4,"failed":1,"rolledBack":1},
 *  "rows":[{"updateDomain":0,"cells":[{"instanceId":"0","zone":"1","state":"healthy","batch":1}, ...]}, ...]}
 * }</pre>
 *       {@code counts} has every state, in the order of {@link CellState}; {@code zone} is
 *       {@code null} for a regional instance; {@code batch} is the run's batch the instance was in,
 *       0 when none. New fields may be added later; readers should ignore those they do not know.
 *       {@link #fromJson} reads it back.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class HeatMap {
  private static final Comparator<Cell> ORDER = Comparator.comparingInt(Cell::updateDomain)
      .thenComparing(Cell::instanceId, NaturalOrder.INSTANCE);

  private final String scaleSetName;
  private final String runId;
  private final Instant time;
  private final List<Row> rows;
  private final List<Cell> cells;
  private final Map<CellState, Integer> counts;

  private HeatMap(String scaleSetName, String runId, Instant time, List<Row> rows, List<Cell> cells,
      Map<CellState, Integer> counts) {
    this.scaleSetName = scaleSetName;
    this.runId = runId;
    this.time = time;
    this.rows = rows;
    this.cells = cells;
    this.counts = counts;
  }

  /**
   * The heat map of {@code cells}, in any order: they are grouped into rows by update domain and
   * sorted (cells already in heat map order cost one pass). Instance ids are not checked for
   * uniqueness: a map shows what it was given.
   *
   * @param scaleSetName the scale set
   * @param runId the run the map comes from
   * @param time the moment the map shows
   * @param cells one per instance
   * @throws NullPointerException when an argument or a cell is null
   */
  public static HeatMap of(String scaleSetName, String runId, Instant time, Collection<Cell> cells) {
    Objects.requireNonNull(scaleSetName, "scaleSetName");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(time, "time");
    List<Cell> sorted = new ArrayList<>(cells);
    sorted.forEach(c -> Objects.requireNonNull(c, "cell"));
    sorted.sort(ORDER); // a merge sort: one pass when already in order
    List<Row> rows = new ArrayList<>();
    EnumMap<CellState, Integer> counts = new EnumMap<>(CellState.class);
    for (CellState s : CellState.values()) {
      counts.put(s, 0);
    }
    int from = 0;
    for (int k = 0; k <= sorted.size(); k++) {
      if (k == sorted.size() || (k > from && sorted.get(k).updateDomain() != sorted.get(from).updateDomain())) {
        if (k > from) {
          rows.add(new Row(sorted.get(from).updateDomain(), sorted.subList(from, k)));
        }
        from = k;
      }
      if (k < sorted.size()) {
        counts.merge(sorted.get(k).state(), 1, Integer::sum);
      }
    }
    return new HeatMap(scaleSetName, runId, time, List.copyOf(rows), Collections.unmodifiableList(sorted),
        Collections.unmodifiableMap(counts));
  }

  /**
   * Reads the JSON form written by {@link #toJson()}. Unknown fields are ignored; {@code counts},
   * when present, must agree with the cells.
   *
   * @throws IllegalArgumentException when {@code json} is not a heat map, naming the field
   * @throws NullPointerException when {@code json} is null
   */
  public static HeatMap fromJson(String json) {
    return HeatMapJson.read(Objects.requireNonNull(json, "json"));
  }

  /** The scale set's name. */
  public String scaleSetName() {
    return scaleSetName;
  }

  /** The run the map comes from. */
  public String runId() {
    return runId;
  }

  /** The moment the map shows (the run's clock). */
  public Instant time() {
    return time;
  }

  /** One row per update domain that has instances, by ascending update domain. */
  public List<Row> rows() {
    return rows;
  }

  /** Every cell, row after row. */
  public List<Cell> cells() {
    return cells;
  }

  /** The cell of one instance, if the map has it. */
  public Optional<Cell> cell(String instanceId) {
    for (Cell c : cells) {
      if (c.instanceId().equals(instanceId)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** How many cells are in each state: every state, in the order of {@link CellState}. */
  public Map<CellState, Integer> counts() {
    return counts;
  }

  /** How many cells are in {@code state}. */
  public int count(CellState state) {
    return counts.get(Objects.requireNonNull(state, "state"));
  }

  /** How many cells the map has. */
  public int size() {
    return cells.size();
  }

  /**
   * The text form (see the class comment): plain, or with ANSI colour codes when {@code ansi}.
   * Lines end with {@code \n}, the last one too.
   */
  public String toText(boolean ansi) {
    return HeatMapText.render(this, ansi);
  }

  /** The JSON form (see the class comment), on one line. */
  public String toJson() {
    return HeatMapJson.write(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HeatMap m && scaleSetName.equals(m.scaleSetName) && runId.equals(m.runId)
        && time.equals(m.time) && cells.equals(m.cells);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scaleSetName, runId, time, cells);
  }

  /** The plain text form. */
  @Override
  public String toString() {
    return toText(false);
  }

  /**
   * One update domain's row. Immutable.
   *
   * @param updateDomain the update domain, 0 or more
   * @param cells its instances, in natural id order
   */
  public record Row(int updateDomain, List<Cell> cells) {
    /** Checks and copies the fields. */
    public Row {
      cells = List.copyOf(cells);
      for (Cell c : cells) {
        if (c.updateDomain() != updateDomain) {
          throw new IllegalArgumentException("cell " + c.instanceId() + " is in update domain " + c.updateDomain()
              + ", not " + updateDomain);
        }
      }
    }
  }

  /**
   * One instance. Immutable.
   *
   * @param instanceId the instance
   * @param zone its availability zone; empty for a regional instance
   * @param updateDomain its update domain (its row), 0 or more
   * @param state what the cell shows
   * @param batch the run's batch it was in (from 1), 0 when none
   */
  public record Cell(String instanceId, Optional<String> zone, int updateDomain, CellState state, int batch) {
    /** Checks the fields. */
    public Cell {
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(state, "state");
      if (updateDomain < 0) {
        throw new IllegalArgumentException("updateDomain must be 0 or more, got " + updateDomain);
      }
      if (batch < 0) {
        throw new IllegalArgumentException("batch must be 0 or more, got " + batch);
      }
    }
  }
}
