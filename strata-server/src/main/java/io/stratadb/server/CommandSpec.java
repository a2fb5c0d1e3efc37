package io.stratadb.server;

import java.util.List;

/**
 * One entry of the command table: the name and arity Redis uses, the flags and key positions
 * COMMAND reports (Redis's command table: {@code COMMAND INFO}), and the body.
 *
 * @param name lower-case name
 * @param arity argument count including the name; negative means "at least -arity" (Redis's rule)
 * @param flags COMMAND flags, for example {@code write}, {@code readonly}, {@code fast}
 * @param firstKey position of the first key argument, 0 if none
 * @param lastKey position of the last key, -1 for "the last argument", 0 if none
 * @param keyStep distance between keys, 0 if none
 * @param noAuth whether it runs before AUTH (AUTH, HELLO, QUIT)
 * @param body what it does
 * @param batched the command as a {@link PipelineBatch} runs it in a pipeline, or null if it is
 *     not batched ({@code body} then runs it alone)
 */
record CommandSpec(String name, int arity, List<String> flags, int firstKey, int lastKey, int keyStep,
    boolean noAuth, Command body, PipelineBatch.Command batched) {

  /** Whether {@code argc} (including the name) fits the arity. */
  boolean acceptsArgCount(int argc) {
    return arity >= 0 ? argc == arity : argc >= -arity;
  }
}
