package dev.confide.runtime.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.confide.runtime.RunReport;

/**
 * What a runtime tells the client that started it, one JSON object per line on its standard
 * output (the program's own output and the runtime's notes go to standard error): the phases as
 * they start and end, then exactly one {@code finished} or {@code failed}. This is what an SSH exec
 * channel carries back from a remote host; a host's runtime is not trusted to have said the truth
 * (the client checks the committed tags with the CAS), only to have said it in this shape.
 *
 * <pre>
 * {"event":"phase_started","phase":"attest"}
 * {"event":"phase_ended","phase":"attest","millis":212}
 * {"event":"progress","phase":"open","bytes":1048576,"total":52428800}
 * {"event":"finished","report":{...RunReport...}}
 * {"event":"failed","source":"attestation","kind":"untrusted_host","status":0,"message":"...","hint":"..."}
 * </pre>
 *
 * A client ignores events of a kind it does not know (a newer runtime may add some).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RunEvent.PhaseStarted.class, name = "phase_started"),
    @JsonSubTypes.Type(value = RunEvent.PhaseEnded.class, name = "phase_ended"),
    @JsonSubTypes.Type(value = RunEvent.Progress.class, name = "progress"),
    @JsonSubTypes.Type(value = RunEvent.Finished.class, name = "finished"),
    @JsonSubTypes.Type(value = RunEvent.Failed.class, name = "failed")})
public sealed interface RunEvent {
  record PhaseStarted(String phase) implements RunEvent {}

  record PhaseEnded(String phase, long millis) implements RunEvent {}

  /** Bytes done of a phase that moves data; {@code total} is 0 when unknown. */
  record Progress(String phase, long bytes, long total) implements RunEvent {}

  /** The run ended with the program's exit code; its volumes are committed. */
  record Finished(RunReport report) implements RunEvent {}

  /**
   * The run failed: nothing was committed (a run fails before its commit or not at all).
   *
   * @param source which part refused: {@code attestation}, {@code runtime}, {@code cas},
   *     {@code volume}, {@code policy}, {@code permissions}, or {@code internal} (a bug)
   * @param kind that part's stable code (an {@code AttestationException.Reason}, a
   *     {@code RuntimeFailure.Kind}, a CAS error code, a volume {@code Failure}), in lower case
   * @param status the CAS's HTTP status, for {@code cas}; else 0
   */
  record Failed(String source, String kind, int status, String message, String hint) implements RunEvent {}
}
