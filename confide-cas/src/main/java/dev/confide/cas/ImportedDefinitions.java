package dev.confide.cas;

import dev.confide.cas.CasStore.StoredSession;
import dev.confide.cas.common.CasException;
import dev.confide.policy.Image;
import dev.confide.policy.SecretReferences;
import dev.confide.policy.SecretSpec;
import dev.confide.policy.Service;
import dev.confide.policy.Session;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Services and images a session imports from another (SCONE's {@code services[].import} and
 * {@code images[].import}; seed 000's user session running the image creator's {@code blender}),
 * resolved against the exporter's current document whenever the importer is created or updated
 * and whenever a run attests: the exporter must export the definition to the importer (pinned or
 * not), the definition must be the exporter's own (no chains), a restated {@code command} or
 * {@code pwd} must be the exporter's, an imported image's volumes must be the importer's, and no
 * secret of the importer may shadow one the exporter's definition names.
 */
final class ImportedDefinitions {
  private final CasStore store;
  private final SessionDocuments documents;

  ImportedDefinitions(CasStore store, SessionDocuments documents) {
    this.store = store;
    this.documents = documents;
  }

  /** A session that exports a definition, and who created it (its trusted hosts count for its rules). */
  record Exporter(Session session, String creator) {}

  /**
   * A service as it runs: its definition (the exporter's, for an imported one, where its name is
   * {@code definedAs}), the image it runs in (null: none), and where each came from (null: the
   * session itself).
   */
  record Resolved(Service service, Image image, Exporter serviceFrom, String definedAs, Exporter imageFrom) {
    /** The secrets of {@code serviceFrom} the service's definition names, and of {@code imageFrom} the image's files name. */
    Set<String> namedBy(Exporter from) {
      Set<String> names = new LinkedHashSet<>();
      // equal, not the same instance: a service and its image imported from one session are two lookups of it
      if (from.equals(serviceFrom)) {
        names.addAll(referenced(service, from.session()));
      }
      if (from.equals(imageFrom)) {
        names.addAll(referenced(image, from.session()));
      }
      return names;
    }
  }

  /** Every import of {@code session}'s services and images, checked as a run would resolve them. */
  void check(Connection c, Session session, String hash) throws SQLException {
    for (Service s : session.services()) {
      resolve(c, session, hash, s, false);
    }
    for (Image img : session.images()) {
      if (img.importFrom() != null) {
        image(c, session, hash, img);
      }
    }
  }

  /** {@code svc} as it runs: resolved, and (for {@code run}) with every volume its image mounts declared by the session. */
  Resolved resolve(Connection c, Session session, String hash, Service svc, boolean run) throws SQLException {
    Service running = svc;
    Exporter serviceFrom = null;
    String definedAs = svc.name();
    if (svc.imported()) {
      String name = svc.importFrom().service() != null ? svc.importFrom().service() : svc.name();
      serviceFrom = exporter(c, svc.importFrom().session(), "service " + svc.name());
      Session ex = serviceFrom.session();
      Service source = ex.service(name).orElseThrow(() -> unresolved("session " + ex.name() + " has no service " + name));
      if (source.imported()) {
        throw unresolved("service " + name + " of session " + ex.name() + " is itself imported from session "
            + source.importFrom().session() + "; import it from there");
      }
      CasService.checkExport(source.export(), ex.name(), "service " + name, session.name(), hash);
      if (svc.command() != null && !svc.command().equals(source.command())) {
        throw refused("service " + svc.name() + " restates its command as '" + svc.command() + "', and session " + ex.name()
            + " runs '" + source.command() + "'", "drop 'command' (an imported service runs the exporter's) or restate it exactly");
      }
      if (!svc.pwd().equals("/") && !svc.pwd().equals(source.pwd())) {
        throw refused("service " + svc.name() + " restates its pwd as " + svc.pwd() + ", and session " + ex.name() + " runs it in "
            + source.pwd(), "drop 'pwd' or restate the exporter's");
      }
      running = svc.runningAs(source);
      definedAs = name;
      conflicts(session, serviceFrom, referenced(running, ex), "service " + svc.name());
    }
    if (running.imageName() == null) {
      return new Resolved(running, null, serviceFrom, definedAs, null);
    }
    String imageName = running.imageName();
    String from = svc.imported() ? svc.importFrom().session() : session.name();
    Image own = session.image(imageName).orElseThrow(() -> unresolved("service " + svc.name() + " runs in image " + imageName
        + " (as session " + from + " defines it), which session " + session.name() + " does not define"
        + "; add an image " + imageName + " (import: " + from + ") or name one with 'image_name'"));
    if (own.importFrom() == null) {
      if (serviceFrom != null) {
        keepsOffTheDefinition(running, own, svc.name(), serviceFrom);
      }
      if (run) {
        for (Image.Mount m : own.volumes()) {
          if (session.volume(m.name()).isEmpty()) {
            // an exported image may leave its volumes to the sessions that import it
            throw unresolved("service " + svc.name() + " runs in image " + own.name() + ", which mounts volume " + m.name()
                + " that session " + session.name() + " does not declare (the image leaves it to sessions that import it)");
          }
        }
      }
      return new Resolved(running, own, serviceFrom, definedAs, null);
    }
    ImageSource img = image(c, session, hash, own);
    if (serviceFrom != null) {
      keepsOffTheDefinition(running, img.image(), svc.name(), serviceFrom);
    }
    return new Resolved(running, img.image(), serviceFrom, definedAs, img.from());
  }

  /**
   * An imported service's authenticated tree and measured trees are the exporter's: the image it
   * runs in may put no volume and no injection file in them or over them, which would put files
   * of the importer's where the exporter's verified ones are.
   */
  private static void keepsOffTheDefinition(Service running, Image image, String service, Exporter from) {
    List<String> guarded = new ArrayList<>(running.measuredTrees());
    if (running.fspfPath() != null) {
      String tree = running.fspfPath().substring(0, Math.max(1, running.fspfPath().lastIndexOf('/')));
      guarded.add(tree);
    }
    List<String[]> placed = new ArrayList<>();
    image.volumes().forEach(m -> placed.add(new String[] {"volume " + m.name(), m.path()}));
    image.injectionFiles().forEach(f -> placed.add(new String[] {"injection file", f.path()}));
    for (String[] p : placed) {
      for (String g : guarded) {
        if (overlap(p[1], g)) {
          throw refused("image " + image.name() + " puts " + p[0] + " at " + p[1] + ", over " + g + ", which service " + service
              + " (as session " + from.session().name() + " defines it) loads verified files from",
              "put it outside " + g);
        }
      }
    }
  }

  private static boolean overlap(String a, String b) {
    String x = a.endsWith("/") && a.length() > 1 ? a.substring(0, a.length() - 1) : a;
    String y = b.endsWith("/") && b.length() > 1 ? b.substring(0, b.length() - 1) : b;
    return x.equals(y) || x.startsWith(y.equals("/") ? "/" : y + "/") || y.startsWith(x.equals("/") ? "/" : x + "/");
  }

  private record ImageSource(Image image, Exporter from) {}

  private ImageSource image(Connection c, Session session, String hash, Image own) throws SQLException {
    String name = own.importFrom().image() != null ? own.importFrom().image() : own.name();
    Exporter from = exporter(c, own.importFrom().session(), "image " + own.name());
    Session ex = from.session();
    Image source = ex.image(name).orElseThrow(() -> unresolved("session " + ex.name() + " has no image " + name));
    if (source.importFrom() != null) {
      throw unresolved("image " + name + " of session " + ex.name() + " is itself imported from session "
          + source.importFrom().session() + "; import it from there");
    }
    CasService.checkExport(source.export(), ex.name(), "image " + name, session.name(), hash);
    for (Image.Mount m : source.volumes()) {
      if (session.volume(m.name()).isEmpty()) {
        throw unresolved("image " + own.name() + " (imported from session " + ex.name() + ") mounts volume " + m.name()
            + " at " + m.path() + ", which session " + session.name() + " does not declare; add it under 'volumes'");
      }
    }
    Image running = own.runningAs(source);
    conflicts(session, from, referenced(running, ex), "image " + own.name());
    return new ImageSource(running, from);
  }

  private Exporter exporter(Connection c, String name, String what) throws SQLException {
    StoredSession stored = store.session(c, name, false)
        .orElseThrow(() -> unresolved(what + " imports from session " + name + ", which does not exist"));
    return new Exporter(documents.of(stored.hash(), stored.document()), stored.creator());
  }

  /** The exporter's secrets reach the run under their own names: none of the importer's may take one. */
  private static void conflicts(Session importer, Exporter from, Set<String> named, String what) {
    List<String> clash = new ArrayList<>();
    for (SecretSpec s : importer.secrets()) {
      if (named.contains(s.name())) {
        clash.add(s.name());
      }
    }
    if (!clash.isEmpty()) {
      throw CasException.conflict("import_conflict", what + " of session " + importer.name() + " uses secret"
          + (clash.size() == 1 ? " " : "s ") + String.join(", ", clash) + " of session " + from.session().name()
          + ", and session " + importer.name() + " has secrets of the same name", "rename this session's secrets");
    }
  }

  /** The secrets of {@code owner} that {@code s} names. */
  private static Set<String> referenced(Service s, Session owner) {
    Set<String> names = new LinkedHashSet<>();
    add(names, s.command(), owner);
    s.environment().values().forEach(v -> add(names, v, owner));
    add(names, s.fspfKey(), owner);
    return names;
  }

  private static Set<String> referenced(Image image, Session owner) {
    Set<String> names = new LinkedHashSet<>();
    if (image != null) {
      image.injectionFiles().forEach(f -> add(names, f.content(), owner));
    }
    return names;
  }

  private static void add(Set<String> names, String text, Session owner) {
    if (text != null) {
      SecretReferences.in(text, name -> owner.secret(name).isPresent()).forEach(r -> names.add(r.secret()));
    }
  }

  private static CasException unresolved(String message) {
    return CasService.unresolved(message);
  }

  private static CasException refused(String message, String hint) {
    return CasException.conflict("import_refused", message, hint);
  }
}
