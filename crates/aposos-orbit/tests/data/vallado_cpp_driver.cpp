// Runs Vallado's SGP4 (sgp4 2.27 sdist, extension/SGP4.cpp) over SGP4-VER.TLE the way
// python-sgp4's generate_test_output does, printing full precision (%.17g).
// Usage: driver SGP4-VER.TLE OPSMODE(a or i) GRAVITY(7 = wgs72, o = wgs72old, 4 = wgs84)
#include "SGP4.h"
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <cmath>
#include <string>
#include <vector>

static void emit(FILE* f, double t, const double r[3], const double v[3]) {
    fprintf(f, "%.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", t, r[0], r[1], r[2], v[0], v[1], v[2]);
}

int main(int argc, char** argv) {
    FILE* in = fopen(argv[1], "r");
    char buf[256];
    std::vector<std::string> lines;
    while (fgets(buf, sizeof buf, in)) {
        std::string s(buf);
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
        if (s.empty() || s[0] == '#') continue;
        lines.push_back(s);
    }
    for (size_t i = 0; i + 1 < lines.size(); i++) {
        if (lines[i][0] != '1') continue;
        char l1[130], l2[130];
        strncpy(l1, lines[i].c_str(), 130);
        strncpy(l2, lines[i + 1].c_str(), 130);
        double tstart, tend, tstep;
        sscanf(lines[i + 1].c_str() + 69, "%lf %lf %lf", &tstart, &tend, &tstep);
        l1[68] = '\0';
        l2[68] = '\0';
        elsetrec satrec;
        double a, b, c;
        SGP4Funcs::twoline2rv(l1, l2, ' ', ' ', argv[2][0], argv[3][0]=='4' ? wgs84 : (argv[3][0]=='o' ? wgs72old : wgs72), a, b, c, satrec);
        printf("%s xx\n", satrec.satnum);
        double r[3], v[3];
        SGP4Funcs::sgp4(satrec, 0.0, r, v);
        if (satrec.error && satrec.error < 6) { printf("error %d 0\n", satrec.error); i++; continue; }
        emit(stdout, 0.0, r, v);
        double tsince = tstart;
        bool failed = false;
        while (tsince <= tend) {
            if (tsince == tstart && tstart == 0.0) { tsince += tstep; continue; }
            SGP4Funcs::sgp4(satrec, tsince, r, v);
            if (satrec.error) { printf("error %d %.17g\n", satrec.error, tsince); failed = true; break; }
            emit(stdout, tsince, r, v);
            tsince += tstep;
        }
        if (!failed && tsince - tend < tstep - 1e-6) {
            SGP4Funcs::sgp4(satrec, tend, r, v);
            if (satrec.error) printf("error %d %.17g\n", satrec.error, tend);
            else emit(stdout, tend, r, v);
        }
        i++;
    }
    return 0;
}
