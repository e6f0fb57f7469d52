/* main.c - a parent project's program that uses ntsim's library. */
#include <ntsim/ntsim.h>

int main(void)
{
    ntsim_config cfg;
    ntsim_config_default(&cfg);
    return 0;
}
