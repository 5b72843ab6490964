/**
 * JMH benchmarks of mtasts-java, each measured against a baseline in the same run: the floor a
 * piece of code cannot beat by much (counting lines, splitting on {@code ;}, {@code
 * equalsIgnoreCase}, {@code ConcurrentHashMap.get}, a Jackson token scan, Jackson writing a tree,
 * {@code LongAdder.increment}). {@link org.mtasts.benchmarks.Floor} names each benchmark's baseline
 * and target; {@link org.mtasts.benchmarks.RatioTable} turns JMH's JSON result into the ratio table
 * of the README's "Performance" section. Run everything with {@code mtasts-benchmarks/run.sh}.
 */
@NullMarked
package org.mtasts.benchmarks;

import org.jspecify.annotations.NullMarked;
