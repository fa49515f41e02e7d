import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

/**
 * SCRAM-SHA-512 users of the local mesh, through Kafka's own Admin API
 * (AlterUserScramCredentials / DescribeUserScramCredentials, KIP-554), which
 * the Node client (KafkaJS) does not offer. Built from the fetched jars by
 * local-mesh/fetch.ts; run by local-mesh/scram.ts.
 *
 *   java MeshScram <admin.properties> describe
 *     prints one user name per line: the users with a SCRAM-SHA-512 credential.
 *   java MeshScram <admin.properties> upsert
 *     reads "user<TAB>password" lines on stdin (never argv: other users can read argv)
 *     and sets each user's SCRAM-SHA-512 credential (4096 iterations, a new salt).
 *   java MeshScram <admin.properties> delete
 *     reads user names on stdin and deletes their SCRAM-SHA-512 credentials.
 */
public final class MeshScram {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: MeshScram <admin.properties> describe|upsert");
      System.exit(2);
    }
    Properties props = new Properties();
    try (var in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      props.load(in);
    }
    try (Admin admin = Admin.create(props)) {
      if (args[1].equals("describe")) {
        Map<String, UserScramCredentialsDescription> all = admin.describeUserScramCredentials().all().get();
        for (UserScramCredentialsDescription d : all.values()) {
          boolean sha512 = d.credentialInfos().stream().anyMatch(i -> i.mechanism() == ScramMechanism.SCRAM_SHA_512);
          if (sha512) System.out.println(d.name());
        }
      } else if (args[1].equals("upsert")) {
        List<UserScramCredentialAlteration> changes = new ArrayList<>();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = stdin.readLine()) != null; ) {
          if (line.isEmpty()) continue;
          int tab = line.indexOf('\t');
          if (tab <= 0) throw new IllegalArgumentException("expected user<TAB>password");
          changes.add(new UserScramCredentialUpsertion(
              line.substring(0, tab), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), line.substring(tab + 1)));
        }
        if (!changes.isEmpty()) admin.alterUserScramCredentials(changes).all().get();
        System.out.println(changes.size());
      } else if (args[1].equals("delete")) {
        List<UserScramCredentialAlteration> changes = new ArrayList<>();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = stdin.readLine()) != null; ) {
          if (!line.isEmpty()) changes.add(new UserScramCredentialDeletion(line, ScramMechanism.SCRAM_SHA_512));
        }
        if (!changes.isEmpty()) admin.alterUserScramCredentials(changes).all().get();
        System.out.println(changes.size());
      } else {
        System.err.println("unknown command " + args[1]);
        System.exit(2);
      }
    }
  }
}
