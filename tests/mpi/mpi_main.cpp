// Catch2 main for tests that run under mpiexec: MPI is initialized once around the
// session, and every rank runs every test case (they are collective).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  Catch::Session session;
  // Only rank 0 reports successes; every rank reports its failures.
  if (world.rank() != 0) session.configData().outputFilename = "%stderr";
  const int failed = session.run(argc, argv);
  return failed == 0 ? 0 : 1;
}
