// Catch2 main for tests that run under mpiexec: MPI is initialized once around the
// session, and every rank runs every test case (they are collective).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <iostream>

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  const boost::mpi::communicator world;
  Catch::Session session;
  const int failed = session.run(argc, argv);
  if (failed != 0) std::cerr << "rank " << world.rank() << " of " << world.size() << ": " << failed << " test case(s) failed\n";
  return failed == 0 ? 0 : 1;
}
